import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../diagnostic.js';
import { parseStack, type ParseStackOptions } from './load-stack.js';
import { KEY_NODES, ROOT_NODE } from './schema-keys.js';
import { unknownKeyProblems } from './schema-strict.js';

const options: ParseStackOptions = { projectDir: '/proj', env: {} };

function errorsOf(text: string): string[] {
  const result = parseStack([{ file: 'compose.yaml', text }], options);
  if (result.ok) throw new Error('expected diagnostics');
  return result.error.map(formatDiagnostic);
}

function loads(text: string): boolean {
  const result = parseStack([{ file: 'compose.yaml', text }], options);
  if (!result.ok) throw new Error(result.error.map(formatDiagnostic).join('\n'));
  return true;
}

describe('unknown keys (Compose Specification schema)', () => {
  it('points at a misspelt service key with a did-you-mean', () => {
    expect(errorsOf('services:\n  web:\n    image: nginx\n    enviroment:\n      A: 1\n')).toEqual([
      'compose.yaml:4:5: services.web.enviroment: unknown key "enviroment"; did you mean "environment"?\n' +
        '  → change it to "environment" (keys of your own start with x-)',
    ]);
  });

  it('does the same inside x-devenv, whose keys are devenv’s own', () => {
    expect(
      errorsOf('services:\n  web:\n    image: nginx\n    x-devenv: {natve: {command: x}}\n'),
    ).toEqual([
      'compose.yaml:4:16: unknown key "services.web.x-devenv.natve"; did you mean "native"?\n' +
        '  → expected one of: native, probe, reload_guard, hot_reload, group, optional, url, temporal',
    ]);
  });

  it('reports a key with no near match, at the top level and deep inside', () => {
    expect(
      errorsOf(
        [
          'wrongField: 1',
          'services:',
          '  web:',
          '    image: nginx',
          '    healthcheck: {test: [CMD, "true"], intervall: 5s}',
          '    ports: [{target: 80, publshed: "8080"}]',
          '    depends_on: {db: {condtion: service_healthy}}',
          '    deploy: {resources: {limits: {cpu: "1"}}}',
          '  db: {image: postgres}',
          '',
        ].join('\n'),
      ),
    ).toEqual([
      'compose.yaml:1:1: wrongField: unknown key "wrongField": the Compose Specification has no such key here\n' +
        '  → expected one of: version, name, include, services, models, networks, volumes, secrets, configs, jobs (keys of your own start with x-)',
      'compose.yaml:5:40: services.web.healthcheck.intervall: unknown key "intervall"; did you mean "interval"?\n' +
        '  → change it to "interval" (keys of your own start with x-)',
      'compose.yaml:6:26: services.web.ports[0].publshed: unknown key "publshed"; did you mean "published"?\n' +
        '  → change it to "published" (keys of your own start with x-)',
      'compose.yaml:7:23: services.web.depends_on.db.condtion: unknown key "condtion"; did you mean "condition"?\n' +
        '  → change it to "condition" (keys of your own start with x-)',
      'compose.yaml:8:35: services.web.deploy.resources.limits.cpu: unknown key "cpu"; did you mean "cpus"?\n' +
        '  → change it to "cpus" (keys of your own start with x-)',
    ]);
  });

  it('allows x- keys where the spec does, and nowhere else', () => {
    expect(
      loads(
        [
          'x-common: &common {image: nginx}',
          'services:',
          '  web:',
          '    <<: *common',
          '    x-team: shop',
          '    healthcheck: {test: [CMD, "true"], x-why: fast}',
          '    volumes: [{type: volume, source: data, target: /data, x-note: kept}]',
          'volumes:',
          '  data: {x-backup: daily}',
          '',
        ].join('\n'),
      ),
    ).toBe(true);
    // `extends` takes no extensions in the spec's schema.
    expect(
      unknownKeyProblems({ services: { a: { extends: { service: 'b', 'x-y': 1 } } } }),
    ).toEqual([expect.objectContaining({ path: ['services', 'a', 'extends', 'x-y'], at: 'key' })]);
  });

  it('leaves names the user chooses alone: services, networks, labels, environment', () => {
    expect(
      unknownKeyProblems({
        services: {
          'any.name-1': {
            labels: { 'com.example.anything': 'x' },
            environment: { WHATEVER: 1 },
            networks: { backend: { aliases: ['db'] } },
            sysctls: { 'net.core.somaxconn': 1024 },
          },
        },
        networks: { backend: { driver: 'bridge', driver_opts: { 'com.docker.x': 'y' } } },
      }),
    ).toEqual([]);
  });

  it('knows the keys of the generated table at every level the brief names', () => {
    const service = KEY_NODES['service']?.keys ?? {};
    for (const key of ['build', 'deploy', 'healthcheck', 'logging', 'develop', 'ports', 'volumes'])
      expect(Object.keys(service)).toContain(key);
    expect(KEY_NODES[ROOT_NODE]?.strict).toBe(true);
    expect(Object.keys(KEY_NODES['service.ports[]']?.keys ?? {})).toEqual(
      expect.arrayContaining(['target', 'published', 'host_ip', 'protocol', 'mode', 'name']),
    );
  });
});

describe('valid Compose that devenv cannot run', () => {
  it('names the key: provider, models, hooks, jobs (not scale or replicas)', () => {
    expect(
      errorsOf(
        [
          'services:',
          '  db:',
          '    provider: {type: awesomecloud}',
          '  web:',
          '    image: nginx',
          '    scale: 2',
          '    post_start: [{command: echo hi}]',
          '  one:',
          '    image: nginx',
          '    scale: 1',
          '    deploy: {replicas: 3}',
          'jobs:',
          '  migrate: {image: m}',
          '',
        ].join('\n'),
      ).map((line) => line.split('\n')[0]),
    ).toEqual([
      'compose.yaml:3:5: services.db.provider: not supported by devenv (yet): provider — a provider service is set up by a Compose plugin (a cloud resource, a model runner …), which devenv cannot call',
      'compose.yaml:7:5: services.web.post_start: not supported by devenv (yet): post_start — lifecycle hooks are not run by devenv',
      'compose.yaml:12:1: jobs: not supported by devenv (yet): jobs — run-to-completion jobs are not run by devenv',
    ]);
  });

  it('accepts Swarm-only deploy keys and ignores them', () => {
    expect(
      loads(
        [
          'services:',
          '  web:',
          '    image: nginx',
          '    deploy:',
          '      placement: {constraints: [node.role == manager]}',
          '      update_config: {parallelism: 2}',
          '      resources: {limits: {cpus: "0.5", memory: 50M}}',
          '',
        ].join('\n'),
      ),
    ).toBe(true);
  });
});

describe('container_name and image', () => {
  it('rejects an empty or invalid container_name, as the Engine would', () => {
    expect(
      errorsOf(
        "services:\n  a: {image: x, container_name: ''}\n  b: {image: x, container_name: -bad}\n",
      ).map((line) => line.split('\n')[0]),
    ).toEqual([
      'compose.yaml:2:33: services.a.container_name: expected a container name: a letter or digit, then at least one letter, digit, "_", "." or "-"',
      'compose.yaml:3:33: services.b.container_name: expected a container name: a letter or digit, then at least one letter, digit, "_", "." or "-"',
    ]);
    expect(loads('services:\n  a: {image: x, container_name: my.db_1}\n')).toBe(true);
  });

  it('refuses an image that interpolates to nothing, unless build: makes one', () => {
    expect(errorsOf('services:\n  a:\n    image: ${UNSET_TAG}\n')).toEqual([
      'compose.yaml:3:12: image is empty, and the service has no build: to make one\n' +
        '  → write an image reference like postgres:16; if it comes from a variable, set the variable (or write ${VAR:?message} to say so)',
    ]);
    expect(loads('services:\n  a:\n    image: ${UNSET_TAG}\n    build: .\n')).toBe(true);
  });
});
