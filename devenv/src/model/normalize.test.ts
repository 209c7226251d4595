import { declaredVolumes } from './volumes.js';
import { describe, expect, it } from 'vitest';
import { err, ok } from '../../shared/result.js';
import { normalizeService, resolveKeyed, type NormalizeContext } from './normalize.js';
import { serviceSchema } from './schema.js';

const files: Record<string, string> = {
  '/proj/app.env': 'A=from-file\nB=from-file\nQ="x y"\n',
  '/proj/raw.env': 'R="kept quotes" # and this\n  SPACED=$HOME\nSHELL_VAR\n',
  '/proj/bad.env': 'A="open\n',
};
const ctx: NormalizeContext = {
  projectDir: '/proj',
  displayDir: 'proj',
  lookup: (name) => ({ SHELL_VAR: 'shell' })[name],
  readText: (path) => (files[path] === undefined ? err('missing') : ok(files[path])),
  volumes: declaredVolumes('shop', { data: null, shared: { name: 'team-shared', external: true } }),
};

function normalize(raw: unknown) {
  const parsed = serviceSchema.safeParse(raw);
  if (!parsed.success) throw new Error(JSON.stringify(parsed.error.issues));
  return normalizeService('svc', parsed.data, ctx);
}

describe('normalizeService', () => {
  it('applies Compose defaults to a minimal service', () => {
    const { service, problems } = normalize({ image: 'nginx' });
    expect(problems).toEqual([]);
    expect(service.spec).toEqual({
      name: 'svc',
      image: 'nginx',
      build: undefined,
      command: undefined,
      entrypoint: undefined,
      environment: {},
      unsetEnvironment: [],
      user: undefined,
      ports: [],
      volumes: [],
      dependsOn: {},
      healthcheck: undefined,
      profiles: [],
      restart: 'no',
      stopGracePeriodMs: 10_000,
      workingDir: undefined,
      watch: [],
      devenv: { native: undefined, probe: undefined, group: 'app', optional: false },
    });
  });

  it('layers environment over env_file, and takes bare keys from the environment', () => {
    const { service, problems, diagnostics } = normalize({
      image: 'x',
      env_file: ['app.env', { path: 'absent.env', required: false }],
      environment: { B: 'inline', N: 5, T: true, SHELL_VAR: null, UNSET_VAR: null },
    });
    expect([problems, diagnostics]).toEqual([[], []]);
    expect(service.spec.environment).toEqual({
      A: 'from-file',
      B: 'inline',
      Q: 'x y',
      N: '5',
      T: 'true',
      SHELL_VAR: 'shell',
    });
    expect(resolveKeyed(['K=v=w', 'SHELL_VAR', 'UNSET_VAR', 'E='], ctx.lookup)).toEqual({
      K: 'v=w',
      SHELL_VAR: 'shell',
      E: '',
    });
  });

  it('unsets a key without a value and without a variable, also over an env_file (compose-go)', () => {
    const { service } = normalize({
      image: 'x',
      env_file: 'app.env',
      environment: ['A', 'UNSET_VAR', 'SHELL_VAR', 'E='],
    });
    expect(service.spec.environment).toEqual({
      B: 'from-file',
      Q: 'x y',
      SHELL_VAR: 'shell',
      E: '',
    });
    expect(service.spec.unsetEnvironment).toEqual(['A', 'UNSET_VAR']);
    // The mapping form: null is "no value".
    const mapped = normalize({ image: 'x', environment: { UNSET_VAR: null, SHELL_VAR: null } });
    expect(mapped.service.spec.unsetEnvironment).toEqual(['UNSET_VAR']);
  });

  it('reads an env_file with format: raw as docker run --env-file does', () => {
    const { service, diagnostics } = normalize({
      image: 'x',
      env_file: [{ path: 'raw.env', format: 'raw' }],
    });
    expect(diagnostics).toEqual([]);
    expect(service.spec.environment).toEqual({
      R: '"kept quotes" # and this',
      SPACED: '$HOME',
      SHELL_VAR: 'shell',
    });
    const parsed = serviceSchema.safeParse({
      image: 'x',
      env_file: [{ path: 'a', format: 'yaml' }],
    });
    expect(parsed.success).toBe(false);
  });

  it('resolves build args: a bare one from the environment, kept bare (null) for the build when unset', () => {
    expect(
      normalize({ build: { context: '.', args: ['SHELL_VAR', 'UNSET_VAR', 'N=1'] } }).service.spec
        .build,
    ).toEqual({ context: '/proj', args: { SHELL_VAR: 'shell', N: '1', UNSET_VAR: null } });
  });

  it('reports a missing required env_file at its entry and a broken one in its own file', () => {
    const missing = normalize({ image: 'x', env_file: 'nope.env' });
    expect(missing.problems).toEqual([
      expect.objectContaining({
        path: ['services', 'svc', 'env_file'],
        message: 'env file nope.env does not exist (looked for /proj/nope.env)',
      }),
    ]);
    const broken = normalize({ image: 'x', env_file: ['app.env', 'bad.env'] });
    expect(broken.diagnostics).toEqual([
      expect.objectContaining({ file: 'proj/bad.env', line: 1, col: 3 }),
    ]);
  });

  it('expands ports, dependencies, healthcheck, build and watch paths', () => {
    const { service } = normalize({
      build: { context: 'api', dockerfile: 'Dockerfile' },
      command: 'node "main file.js" --flag',
      ports: ['8080:80', '8080:80', { target: 9229, published: 9229 }, '3000-3001:3000-3001'],
      depends_on: { db: { condition: 'service_healthy' }, cache: null },
      healthcheck: { test: 'curl -f http://localhost/', interval: '1m30s', start_period: '5s' },
      develop: { watch: [{ path: './src', action: 'sync', target: '/app/src' }] },
      restart: 'on-failure:3',
      stop_grace_period: '1m',
    });
    expect(service.spec.command).toEqual(['node', 'main file.js', '--flag']);
    expect(service.spec.build).toEqual({ context: '/proj/api', dockerfile: 'Dockerfile' });
    expect(service.spec.ports.map((p) => `${p.host}:${p.container}`)).toEqual([
      '8080:80',
      '9229:9229',
      '3000:3000',
      '3001:3001',
    ]);
    expect(service.portPaths.map((p) => p.at(-1))).toEqual([0, 2, 3, 3]);
    expect(service.spec.dependsOn).toEqual({
      db: { condition: 'service_healthy', required: true, restart: false },
      cache: { condition: 'service_started', required: true, restart: false },
    });
    expect(service.edges['db']).toEqual({
      path: ['services', 'svc', 'depends_on', 'db'],
      at: 'key',
    });
    expect(service.spec.healthcheck).toEqual({
      test: ['CMD-SHELL', 'curl -f http://localhost/'],
      intervalMs: 90_000,
      // Unset timings stay unset: the image's HEALTHCHECK (or Docker's default) applies.
      timeoutMs: undefined,
      retries: undefined,
      startPeriodMs: 5_000,
      startIntervalMs: undefined,
    });
    expect(service.spec.watch).toEqual([
      { path: '/proj/src', action: 'sync', target: '/app/src', ignore: [] },
    ]);
    expect(service.spec.restart).toBe('on-failure');
    expect(service.spec.restartMaxRetries).toBe(3);
    expect(service.spec.stopGracePeriodMs).toBe(60_000);
  });

  it('keeps a remote build context as written', () => {
    expect(normalize({ build: 'https://github.com/x/y.git#main' }).service.spec.build).toEqual({
      context: 'https://github.com/x/y.git#main',
    });
  });

  it('turns disable: true and test: [NONE] into [NONE], as Compose does, and checks the test kind', () => {
    expect(
      normalize({ image: 'x', healthcheck: { test: ['CMD', 'true'], disable: true } }).service.spec
        .healthcheck?.test,
    ).toEqual(['NONE']);
    expect(
      normalize({ image: 'x', healthcheck: { disable: 'true' } }).service.spec.healthcheck?.test,
    ).toEqual(['NONE']);
    expect(
      normalize({ image: 'x', healthcheck: { test: ['NONE'] } }).service.spec.healthcheck?.test,
    ).toEqual(['NONE']);
    expect(normalize({ image: 'x' }).service.spec.healthcheck).toBeUndefined();
    expect(normalize({ image: 'x', healthcheck: { test: ['curl', 'x'] } }).problems).toEqual([
      expect.objectContaining({ path: ['services', 'svc', 'healthcheck', 'test', 0] }),
    ]);
  });

  it('resolves x-devenv: native cwd, environment, probe defaults', () => {
    const { service } = normalize({
      image: 'x',
      'x-devenv': {
        native: {
          command: 'temporal server start-dev',
          tool: 'temporal',
          environment: ['A=1', 'SHELL_VAR'],
        },
        probe: { tcp: { port: 7233 } },
        group: 'platform',
        optional: true,
      },
    });
    expect(service.spec.devenv).toEqual({
      native: {
        command: ['temporal', 'server', 'start-dev'],
        tool: 'temporal',
        requires: [],
        cwd: '/proj',
        environment: { A: '1', SHELL_VAR: 'shell' },
      },
      probe: {
        check: { kind: 'tcp', host: '127.0.0.1', port: 7233 },
        periodMs: 5_000,
        timeoutMs: 2_000,
        failureThreshold: 3,
        startTimeoutMs: 60_000,
        restartUnhealthy: true,
      },
      group: 'platform',
      optional: true,
    });
  });
});

describe('volumes', () => {
  it('reads the short and long syntax: bind paths absolute, named volumes by their Engine name', () => {
    const { service, problems } = normalize({
      image: 'x',
      volumes: [
        './conf/app.yml:/etc/app.yml:ro',
        'data:/var/lib/data',
        'shared:/shared:ro,z',
        '/cache',
        { type: 'tmpfs', target: '/run' },
        { type: 'bind', source: '/srv/www', target: '/www', read_only: true },
        { type: 'image', source: 'assets:1', target: '/assets', image: { subpath: 'web' } },
      ],
    });
    expect(problems).toEqual([]);
    expect(service.spec.volumes).toEqual([
      { type: 'bind', source: '/proj/conf/app.yml', target: '/etc/app.yml', readOnly: true },
      {
        type: 'volume',
        name: 'shop_data',
        external: false,
        target: '/var/lib/data',
        readOnly: false,
      },
      { type: 'volume', name: 'team-shared', external: true, target: '/shared', readOnly: true },
      { type: 'anonymous', target: '/cache', readOnly: false },
      { type: 'tmpfs', target: '/run' },
      { type: 'bind', source: '/srv/www', target: '/www', readOnly: true },
      { type: 'image', source: 'assets:1', target: '/assets', subpath: 'web' },
    ]);
  });

  it('names what is wrong with an entry, at the entry', () => {
    const parsed = serviceSchema.safeParse({
      image: 'x',
      volumes: ['data:relative', 'a:/b:rx', { type: 'npipe', target: '/x' }, 'a:b:c:d'],
    });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    expect(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'volumes.0: "data:relative": the container path relative must be absolute (SOURCE:TARGET[:MODE], or only /TARGET for a new volume)',
      'volumes.1: "a:/b:rx": unknown mode "rx" (expected ro, rw, z, Z)',
      'volumes.2: type "npipe" is not supported by devenv (bind, volume, tmpfs or image)',
      'volumes.3: "a:b:c:d": expected [SOURCE:]TARGET[:MODE]',
    ]);
    const { problems } = normalize({ image: 'x', volumes: ['undeclared:/data'] });
    expect(problems).toEqual([
      expect.objectContaining({
        path: ['services', 'svc', 'volumes', 0],
        message: 'volume "undeclared" is not declared under the top-level volumes',
      }),
    ]);
  });
});
