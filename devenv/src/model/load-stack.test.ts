import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../diagnostic.js';
import { err, ok } from '../../shared/result.js';
import { loadStack, parseStack, type ParseStackOptions } from './load-stack.js';
import type { Stack } from './stack.js';

const TESTDATA = join(import.meta.dirname, 'testdata');
const options: ParseStackOptions = { projectDir: '/proj', env: {} };

function stackOf(text: string, extra: Partial<ParseStackOptions> = {}): Stack {
  const result = parseStack([{ file: 'compose.yaml', text }], { ...options, ...extra });
  if (!result.ok) throw new Error(result.error.map(formatDiagnostic).join('\n'));
  return result.value;
}

function errorsOf(
  texts: string | { file: string; text: string }[],
  extra: Partial<ParseStackOptions> = {},
): string[] {
  const list = typeof texts === 'string' ? [{ file: 'compose.yaml', text: texts }] : texts;
  const result = parseStack(list, { ...options, ...extra });
  if (result.ok) throw new Error('expected diagnostics');
  return result.error.map(formatDiagnostic);
}

describe('parseStack', () => {
  it('builds an immutable Stack with defaults, profiles and a start order', () => {
    const stack = stackOf(
      `
name: demo
services:
  web:
    image: nginx
    depends_on: [api]
  api:
    image: api
    depends_on:
      db: { condition: service_healthy }
      grafana: { condition: service_started, required: false }
  db:
    image: postgres:16
  grafana:
    image: grafana/grafana
    profiles: [observability]
networks: { front: {} }
x-notes: kept
`,
    );
    expect(stack.projectName).toBe('demo');
    expect(stack.projectDir).toBe('/proj');
    expect(Object.keys(stack.services)).toEqual(['web', 'api', 'db']);
    expect(stack.startOrder).toEqual(['db', 'api', 'web']);
    expect(stack.services['api']?.dependsOn).toEqual({
      db: { condition: 'service_healthy', required: true, restart: false },
    });
    expect(stack.document['x-notes']).toBe('kept');
    expect(stack.document['networks']).toEqual({ front: {} });
    expect(Object.isFrozen(stack.services['api']?.ports)).toBe(true);
    expect(Object.isFrozen(stack.document)).toBe(true);
  });

  it('enables profiles from options or COMPOSE_PROFILES, and * for all', () => {
    const text =
      'services:\n  a: {image: a}\n  b: {image: b, profiles: [x]}\n  c: {image: c, profiles: [y, z]}\n';
    expect(Object.keys(stackOf(text).services)).toEqual(['a']);
    expect(Object.keys(stackOf(text, { profiles: ['z'] }).services)).toEqual(['a', 'c']);
    expect(Object.keys(stackOf(text, { env: { COMPOSE_PROFILES: 'x, y' } }).services)).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(Object.keys(stackOf(text, { profiles: ['*'] }).services)).toEqual(['a', 'b', 'c']);
  });

  it('chooses the project name as Compose does', () => {
    const text = 'name: from-file\nservices: {a: {image: a}}\n';
    expect(stackOf(text).projectName).toBe('from-file');
    expect(stackOf(text, { env: { COMPOSE_PROJECT_NAME: 'from-env' } }).projectName).toBe(
      'from-env',
    );
    expect(
      stackOf(text, { projectName: 'flag', env: { COMPOSE_PROJECT_NAME: 'x' } }).projectName,
    ).toBe('flag');
    expect(
      stackOf('services: {a: {image: a}}', { projectDir: '/work/My Project!' }).projectName,
    ).toBe('myproject');
  });

  it('interpolates from .env, with the process environment winning', () => {
    const stack = stackOf(
      'services:\n  a:\n    image: "pg:${TAG}"\n    environment: {USER: "${WHO}", LIT: "$${HOME}"}\n',
      { env: { WHO: 'shell' }, dotenv: { file: '.env', text: 'TAG=16\nWHO=dotenv\n' } },
    );
    expect(stack.services['a']?.image).toBe('pg:16');
    expect(stack.services['a']?.environment).toEqual({ USER: 'shell', LIT: '${HOME}' });
  });

  it('positions a missing required variable at its value', () => {
    const text =
      'services:\n  a:\n    image: postgres\n    environment:\n      PASSWORD: ${DB_PASSWORD:?set it in .env}\n';
    expect(errorsOf(text)).toEqual([
      'compose.yaml:5:17: required variable DB_PASSWORD is missing a value: set it in .env\n  → set DB_PASSWORD in the environment or in .env',
    ]);
  });

  it('positions invalid interpolation syntax', () => {
    expect(errorsOf('services:\n  a:\n    image: "x:${"\n')).toEqual([
      expect.stringMatching(/^compose\.yaml:3:12: invalid interpolation: unterminated "\$\{"/),
    ]);
  });

  it('positions YAML syntax errors and rejects non-mapping files', () => {
    expect(errorsOf('services:\n  a: [unclosed\n')[0]).toMatch(/^compose\.yaml:\d+:\d+: /);
    expect(errorsOf('')).toEqual([
      'compose.yaml: the file is empty\n  → a compose file starts with services:',
    ]);
    expect(errorsOf('- a\n- b\n')[0]).toMatch(
      /^compose\.yaml:1:1: expected a mapping with services:/,
    );
    expect(errorsOf('name: x\n')[0]).toMatch(/^compose\.yaml:1:1: the project defines no services/);
  });

  it('positions wrong types at the value, unknown probe kinds at the key', () => {
    const text = `services:
  api:
    image: api
    ports:
      - "8080:80"
      - [nested]
    healthcheck:
      interval: often
    x-devenv:
      probe:
        tpc: { port: 80 }
`;
    expect(errorsOf(text)).toEqual([
      `compose.yaml:6:9: services.api.ports[1]: expected "HOST:CONTAINER", a port number, or {target, published}, got a list\n  → write "HOST:CONTAINER" (e.g. "8080:80"), or {target: 80, published: 8080}`,
      `compose.yaml:8:17: services.api.healthcheck.interval: "often" is not a duration\n  → write a duration like 10s, 1m30s or 500ms`,
      expect.stringMatching(
        /^compose\.yaml:10:7: services\.api\.x-devenv\.probe: the probe has no check/,
      ),
      expect.stringMatching(
        /^compose\.yaml:11:9: services\.api\.x-devenv\.probe\.tpc: unknown probe kind 'tpc'/,
      ),
    ]);
    const probe = errorsOf(text.replace('      - [nested]\n', '').replace('often', '5s'));
    expect(probe).toEqual([
      `compose.yaml:9:7: services.api.x-devenv.probe: the probe has no check; expected one of tcp, http, exec, grpc, temporal, temporal_worker, postgres\n  → write the probe as {tcp|http|exec|grpc|temporal|temporal_worker|postgres: …}`,
      `compose.yaml:10:9: services.api.x-devenv.probe.tpc: unknown probe kind 'tpc'; expected one of tcp, http, exec, grpc, temporal, temporal_worker, postgres\n  → or a probe setting: period, timeout, failure_threshold, start_timeout, restart_unhealthy`,
    ]);
  });

  it('reports unknown dependencies with a suggestion, at the entry', () => {
    const text =
      'services:\n  temporal: {image: t}\n  api:\n    image: a\n    depends_on:\n      - db\n      - tempral\n';
    expect(errorsOf(text)).toEqual([
      'compose.yaml:6:9: service "api" depends on "db", which is not defined\n  → define a service "db", or remove the dependency',
      'compose.yaml:7:9: service "api" depends on "tempral", which is not defined; did you mean "temporal"?\n  → change it to "temporal"',
    ]);
  });

  it('reports a dependency on a profile-disabled service, naming the profile', () => {
    const text =
      'services:\n  ui: {image: u, profiles: [ui]}\n  api:\n    image: a\n    depends_on:\n      ui: {condition: service_started}\n';
    expect(errorsOf(text)).toEqual([
      'compose.yaml:6:7: service "api" depends on "ui", which is disabled: it only runs with profile "ui"\n  → enable it with --profile ui, or mark the dependency required: false',
    ]);
    expect(stackOf(text, { profiles: ['ui'] }).startOrder).toEqual(['ui', 'api']);
  });

  it('reports a cycle once, at an edge', () => {
    const text =
      'services:\n  a: {image: a, depends_on: [b]}\n  b: {image: b, depends_on: [c]}\n  c: {image: c, depends_on: [a]}\n';
    expect(errorsOf(text)).toEqual([
      'compose.yaml:4:30: dependency cycle: a → b → c → a\n  → remove one of these depends_on entries, e.g. "a" from "c"',
    ]);
  });

  it('reports a duplicate host port at the second service, naming the first', () => {
    const text =
      'services:\n  a:\n    image: a\n    ports: ["8080:80"]\n  b:\n    image: b\n    ports:\n      - 9000:9000\n      - target: 80\n        published: 8080\n';
    expect(errorsOf(text)).toEqual([
      'compose.yaml:9:9: host port *:8080/tcp is already published by "a"\n  → publish a different host port, or bind different host IPs',
    ]);
  });

  it('reports a service nothing could run, and an empty one', () => {
    expect(errorsOf('services:\n  a:\n    ports: ["1:1"]\n  b:\n')).toEqual([
      'compose.yaml:2:3: service "a" has no image, build or x-devenv.native: nothing could run it\n  → add image:, build:, or x-devenv: {native: {command: …}}',
      'compose.yaml:4:3: service "b" is empty\n  → give it an image, a build or x-devenv.native',
    ]);
  });

  it('merges override files and positions problems in the file that wrote them', () => {
    const base = {
      file: 'compose.yaml',
      text: 'services:\n  a:\n    image: a\n    ports: ["8080:80"]\n  b:\n    image: b\n',
    };
    const override = {
      file: 'compose.override.yaml',
      text: 'services:\n  b:\n    ports:\n      - "7000:7000"\n      - "8080:8080"\n    restart: sometimes\n',
    };
    expect(errorsOf([base, override])).toEqual([
      'compose.override.yaml:6:14: services.b.restart: expected no, always, on-failure[:N] or unless-stopped\n  → use no, always, on-failure or unless-stopped',
    ]);
    const fixed = { ...override, text: override.text.replace('restart: sometimes\n', '') };
    expect(errorsOf([base, fixed])).toEqual([
      'compose.override.yaml:5:9: host port *:8080/tcp is already published by "a"\n  → publish a different host port, or bind different host IPs',
    ]);
  });

  it('lets an override file !reset or !override what earlier files set', () => {
    const base = {
      file: 'compose.yaml',
      text: 'services:\n  a:\n    image: a\n    ports: ["8080:80"]\n    environment: {A: "1", B: "2"}\n    command: [run]\n',
    };
    const override = {
      file: 'compose.override.yaml',
      text: 'services:\n  a:\n    ports: !reset []\n    environment: !override {C: "3"}\n    command: !reset null\n',
    };
    const a = parseStack([base, override], options);
    if (!a.ok) throw new Error(a.error.map(formatDiagnostic).join('\n'));
    expect(a.value.services['a']).toMatchObject({
      ports: [],
      environment: { C: '3' },
      command: undefined,
    });
    // Without the tags the same override merges.
    const plain = { ...override, text: override.text.replaceAll(/!(reset|override) /g, '') };
    const merged = parseStack([base, plain], options);
    expect(merged.ok && merged.value.services['a']?.environment).toEqual({
      A: '1',
      B: '2',
      C: '3',
    });
  });

  it('points into the anchor a merge key brought a bad value from', () => {
    const text =
      'x-common: &common\n  restart: sometimes\nservices:\n  a:\n    <<: *common\n    image: a\n  b:\n    <<: *common\n    image: b\n';
    // Each service that inherits it is named, at the one place to fix.
    expect(errorsOf(text)).toEqual([
      expect.stringMatching(/^compose\.yaml:2:12: services\.a\.restart: /),
      expect.stringMatching(/^compose\.yaml:2:12: services\.b\.restart: /),
    ]);
  });

  it('reads env_file through the injected reader', () => {
    const text = 'services:\n  a:\n    image: a\n    env_file: [app.env]\n    environment: [B=2]\n';
    const readText = (path: string) =>
      path === '/proj/app.env' ? ok('A=1\nB=1\n') : err('missing');
    expect(stackOf(text, { readText }).services['a']?.environment).toEqual({ A: '1', B: '2' });
    expect(errorsOf(text.replace('app.env', 'gone.env'), { readText })[0]).toMatch(
      /^compose\.yaml:4:16: env file gone\.env does not exist/,
    );
  });

  it('never throws, whatever the input', () => {
    for (const text of [
      '\u0000\u0001',
      '{{{{',
      'services: 5',
      'services: {a: 5}',
      'services: {a: {x-devenv: 5}}',
      '*x',
      '? [a]\n: b',
    ]) {
      const result = parseStack([{ file: 'c.yaml', text }], options);
      expect(result.ok).toBe(false);
    }
  });
});

describe('loadStack with realistic compose files', () => {
  it('loads a SQL-backed Temporal cluster with .env, healthchecks and conditions', async () => {
    const result = await loadStack({ files: ['sql-cluster/compose.yaml'], env: {}, cwd: TESTDATA });
    if (!result.ok) throw new Error(result.error.map(formatDiagnostic).join('\n'));
    const stack = result.value;
    expect(stack.projectName).toBe('sqlcluster');
    expect(stack.startOrder).toEqual(['db', 'schema-setup', 'server', 'namespace-setup', 'ui']);
    const db = stack.services['db'];
    expect(db?.image).toBe('postgres:16');
    expect(db?.environment).toEqual({
      POSTGRES_USER: 'temporal',
      POSTGRES_PASSWORD: 's3cr3t$not-interpolated',
    });
    expect(db?.healthcheck?.test).toEqual(['CMD-SHELL', 'pg_isready -U temporal -d postgres']);
    expect(db?.healthcheck?.retries).toBe(60);
    expect(db?.ports).toEqual([
      { host: 5432, container: 5432, hostIp: undefined, protocol: 'tcp' },
    ]);
    const setup = stack.services['schema-setup'];
    expect(setup?.restart).toBe('on-failure');
    expect(setup?.entrypoint).toEqual(['/bin/sh']);
    expect(setup?.command).toEqual(['/scripts/setup-schema.sh', '--retries', '3']);
    expect(stack.services['server']?.dependsOn['schema-setup']?.condition).toBe(
      'service_completed_successfully',
    );
    expect(stack.document['networks']).toEqual({
      cluster: { driver: 'bridge', name: 'sql-cluster-network' },
    });
  });

  it('loads split roles with anchors, merge keys, long-syntax ports and profiles', async () => {
    const result = await loadStack({
      files: ['split-roles/compose.yaml'],
      env: { DB_PORT: '6543' },
      cwd: TESTDATA,
    });
    if (!result.ok) throw new Error(result.error.map(formatDiagnostic).join('\n'));
    const stack = result.value;
    expect(stack.projectName).toBe('split-roles');
    expect(Object.keys(stack.services)).not.toContain('metrics');
    expect(stack.startOrder).toEqual(['logs', 'db', 'history', 'matching', 'frontend', 'proxy']);
    expect(stack.services['history']?.environment).toMatchObject({
      DB_PORT: '6543',
      SERVICES: 'history',
    });
    expect(stack.services['history']?.ports).toEqual([
      { host: 7234, container: 7234, hostIp: undefined, protocol: 'tcp' },
      { host: 8000, container: 8000, hostIp: '127.0.0.1', protocol: 'tcp' },
    ]);
    expect(stack.services['frontend']?.ports.map((p) => `${p.host}:${p.container}`)).toEqual([
      '7237:7237',
      '9090:8002',
      '9091:8003',
    ]);
    expect(stack.services['db']?.healthcheck?.test).toEqual([
      'CMD-SHELL',
      'pg_isready -U ${POSTGRES_USER}',
    ]);
    expect(
      (stack.document['services'] as Record<string, Record<string, unknown>>)['db']?.['logging'],
    ).toMatchObject({ driver: 'loki' });
    expect(stack.services['logs']?.command).toEqual(['-config.file=/etc/loki/local-config.yaml']);
    const all = await loadStack({
      files: ['split-roles/compose.yaml'],
      env: {},
      profiles: ['observability'],
      cwd: TESTDATA,
    });
    expect(all.ok && all.value.startOrder.at(-1)).toBe('metrics');
  });

  it('merges an override file, reads env_file and resolves x-devenv', async () => {
    const result = await loadStack({
      files: ['dev-overrides/compose.yaml', 'dev-overrides/compose.override.yaml'],
      env: { FROM_SHELL: 'yes' },
      cwd: TESTDATA,
    });
    if (!result.ok) throw new Error(result.error.map(formatDiagnostic).join('\n'));
    const stack = result.value;
    const dir = join(TESTDATA, 'dev-overrides');
    expect(stack.projectDir).toBe(dir);
    expect(stack.files).toEqual([
      'dev-overrides/compose.yaml',
      'dev-overrides/compose.override.yaml',
    ]);
    const api = stack.services['api'];
    expect(api?.environment).toEqual({
      TEMPORAL_NAMESPACE: 'time-cop',
      GREETING: 'hello\tworld',
      LITERAL: '${NOT_EXPANDED}',
      LOG_LEVEL: 'debug',
      TEMPORAL_HOST: 'temporal:7233',
      FROM_SHELL: 'yes',
      EXTRA: '1',
    });
    expect(api?.command).toEqual(['node', 'src/main.js', '--inspect']);
    expect(api?.ports.map((p) => p.host)).toEqual([7070, 9229]);
    expect(api?.watch.map((w) => [w.path, w.action])).toEqual([
      [join(dir, 'api/src'), 'sync+restart'],
      [join(dir, 'api/package.json'), 'rebuild'],
    ]);
    expect(api?.devenv.native).toEqual({
      command: ['node', '--watch', 'src/main.js'],
      tool: undefined,
      requires: [],
      cwd: join(dir, 'api'),
      environment: { NODE_ENV: 'development' },
    });
    const temporal = stack.services['temporal'];
    expect(temporal?.devenv.group).toBe('platform');
    expect(temporal?.healthcheck).toMatchObject({
      test: ['CMD', 'temporal', 'operator', 'cluster', 'health'],
      intervalMs: 90_000,
      startIntervalMs: 500,
    });
    expect(temporal?.ports.map((p) => p.host)).toEqual([7233, 8233]);
    expect(stack.startOrder).toEqual(['temporal', 'api']);
    const workers = await loadStack({
      files: ['dev-overrides/compose.yaml', 'dev-overrides/compose.override.yaml'],
      env: {},
      profiles: ['workers'],
      cwd: TESTDATA,
    });
    expect(workers.ok && workers.value.startOrder).toEqual(['temporal', 'api', 'worker']);
  });

  describe('files on disk', () => {
    let dir: string | undefined;
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('reports a missing compose file and a missing --env-file, and honours --env-file', async () => {
      dir = await mkdtemp(join(tmpdir(), 'devenv-model-'));
      await writeFile(
        join(dir, 'compose.yaml'),
        'services:\n  a:\n    image: "a:${TAG:?needs a tag}"\n',
      );
      await writeFile(join(dir, 'custom.env'), 'TAG=7\n');
      const missing = await loadStack({ files: ['nope.yaml'], env: {}, cwd: dir });
      expect(!missing.ok && missing.error.map(formatDiagnostic)).toEqual([
        'nope.yaml: the compose file does not exist\n  → check the -f path',
      ]);
      const noEnv = await loadStack({
        files: ['compose.yaml'],
        env: {},
        envFile: 'gone.env',
        cwd: dir,
      });
      expect(!noEnv.ok && noEnv.error[0]?.message).toBe('the env file does not exist');
      const unset = await loadStack({ files: ['compose.yaml'], env: {}, cwd: dir });
      expect(!unset.ok && unset.error.map(formatDiagnostic)[0]).toMatch(
        /^compose\.yaml:3:12: required variable TAG is missing a value: needs a tag/,
      );
      const withEnv = await loadStack({
        files: ['compose.yaml'],
        env: {},
        envFile: 'custom.env',
        cwd: dir,
      });
      expect(withEnv.ok && withEnv.value.services['a']?.image).toBe('a:7');
      expect((await loadStack({ files: [], env: {} })).ok).toBe(false);
    });
  });
});
