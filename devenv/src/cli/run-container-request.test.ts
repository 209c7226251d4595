import { describe, expect, it } from 'vitest';
import type { ServiceSpec } from '../model/stack.js';
import type { VolumeMount } from '../model/volumes.js';
import { containerCreateOptions } from '../runtime/docker-create.js';
import { oneOffCreateOptions, type OneOffInput } from './run-container-request.js';

/** What `devenv run` asks the Engine for: up's request for the service, then Compose run's changes. */
const scope = { projectName: 'shop', sessionId: '3f2a9c1e-77aa-4bb0-9e0e-000000000000' };

const service: ServiceSpec = {
  name: 'api',
  image: 'shop-api:dev',
  build: undefined,
  command: ['serve'],
  entrypoint: ['/entry', '--'],
  environment: { MODE: 'dev', KEEP: 'yes' },
  unsetEnvironment: ['DEBUG', 'MODE'],
  ports: [{ host: 8080, container: 80, hostIp: undefined, protocol: 'tcp' }],
  volumes: [],
  dependsOn: {},
  healthcheck: undefined,
  profiles: [],
  restart: 'no',
  stopGracePeriodMs: 10_000,
  workingDir: '/srv',
  watch: [],
  container: { shmSizeBytes: 2 ** 26, stopSignal: 'SIGUSR1', aliases: ['backend'], tty: true },
  devenv: {
    native: undefined,
    probe: undefined,
    reloadGuard: undefined,
    hotReload: undefined,
    group: 'app',
    optional: false,
    url: undefined,
  },
};

const input: OneOffInput = {
  name: 'shop-api-run-1',
  image: 'shop-api:dev',
  command: ['migrate', '--up'],
  environment: { MODE: 'test', EXTRA: '1' },
  workdir: '/tmp',
  network: 'shop_devenv',
  ports: [],
  useAliases: false,
  fileSources: [],
  links: [],
  autoRemove: false,
  entrypoint: undefined,
  user: undefined,
  volumes: [],
  labels: {},
  capAdd: [],
  capDrop: [],
};

describe('oneOffCreateOptions', () => {
  it('is up’s request with the run’s name, command, environment, workdir and stdin; no ports, aliases or TTY', () => {
    const up = containerCreateOptions(service, 'shop-api:dev', scope, 'shop_devenv');
    const run = oneOffCreateOptions(service, scope, input);
    expect(run).toMatchObject({
      name: 'shop-api-run-1',
      Image: 'shop-api:dev',
      StopSignal: 'SIGUSR1',
      Entrypoint: ['/entry', '--'],
      Cmd: ['migrate', '--up'],
      WorkingDir: '/tmp',
      Tty: false,
      OpenStdin: true,
      StdinOnce: true,
      Labels: { ...up.Labels, 'dev.devenv.oneoff': 'true' },
      HostConfig: { ...up.HostConfig, PortBindings: {} },
      NetworkingConfig: { EndpointsConfig: { shop_devenv: {} } },
    });
    // MODE is set by the run, so no longer unset; DEBUG still is.
    expect(run.Env).toEqual(['MODE=test', 'KEEP=yes', 'EXTRA=1', 'DEBUG']);
  });

  it('keeps the service’s own command and workdir without COMMAND or -w', () => {
    const run = oneOffCreateOptions(service, scope, { ...input, command: [], workdir: undefined });
    expect(run).toMatchObject({ Cmd: ['serve'], WorkingDir: '/srv' });
  });

  it('--service-ports, --publish and --use-aliases: the ports and aliases asked for', () => {
    const run = oneOffCreateOptions(service, scope, {
      ...input,
      ports: [
        ...service.ports,
        { host: 9000, container: 9000, hostIp: '0.0.0.0', protocol: 'udp' },
      ],
      useAliases: true,
    });
    expect(run.HostConfig?.PortBindings).toEqual({
      '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }],
      '9000/udp': [{ HostIp: '0.0.0.0', HostPort: '9000' }],
    });
    expect(run.NetworkingConfig?.EndpointsConfig?.['shop_devenv']?.Aliases).toEqual([
      'api',
      'backend',
    ]);
  });

  it('without a running stack: the Engine’s default bridge, no endpoint settings', () => {
    const run = oneOffCreateOptions(service, scope, { ...input, network: undefined });
    expect(run.HostConfig?.NetworkMode).toBe('bridge');
    expect(run.NetworkingConfig).toEqual({});
  });
});

/** The service's own mounts, caps and labels, for the flags to change. */
const mounted: ServiceSpec = {
  ...service,
  user: 'app',
  labels: { team: 'shop', tier: 'api' },
  volumes: [
    { type: 'bind', source: '/srv/shop/data', target: '/data', readOnly: false },
    { type: 'anonymous', target: '/cache', readOnly: false },
  ],
  container: { ...service.container, capAdd: ['NET_ADMIN'], capDrop: ['NET_RAW', 'MKNOD'] },
};

const seed: VolumeMount = {
  type: 'bind',
  source: '/home/me/seed',
  target: '/seed',
  readOnly: true,
};
const dataVolume: VolumeMount = {
  type: 'volume',
  name: 'shop_data',
  external: false,
  target: '/data',
  readOnly: false,
};

type Request = ReturnType<typeof oneOffCreateOptions>;

/** Each of `docker compose run`'s flags, alone, and what it makes of the request. */
const FLAG_CASES: readonly {
  readonly flag: string;
  readonly given: Partial<OneOffInput>;
  readonly expected: (request: Request) => unknown;
  readonly equals: unknown;
}[] = [
  {
    flag: '--entrypoint sh -c with COMMAND: the entrypoint, then COMMAND',
    given: { entrypoint: ['sh', '-c'], command: ['ls /'] },
    expected: (r) => [r.Entrypoint, r.Cmd],
    equals: [['sh', '-c'], ['ls /']],
  },
  {
    flag: '--entrypoint sh without COMMAND: the service’s command goes too (Compose)',
    given: { entrypoint: ['sh'], command: [] },
    expected: (r) => [r.Entrypoint, r.Cmd],
    equals: [['sh'], []],
  },
  {
    flag: "--entrypoint '': an empty entrypoint, which clears the image's",
    given: { entrypoint: [], command: ['env'] },
    expected: (r) => [r.Entrypoint, r.Cmd],
    equals: [[], ['env']],
  },
  {
    flag: 'no --entrypoint: the service’s, and its command without COMMAND',
    given: { entrypoint: undefined, command: [] },
    expected: (r) => [r.Entrypoint, r.Cmd],
    equals: [['/entry', '--'], ['serve']],
  },
  {
    flag: '-u root: over the service’s user',
    given: { user: 'root' },
    expected: (r) => r.User,
    equals: 'root',
  },
  {
    flag: 'no -u: the service’s user',
    given: {},
    expected: (r) => r.User,
    equals: 'app',
  },
  {
    flag: '-v: after the service’s mounts',
    given: { volumes: [seed] },
    expected: (r) => r.HostConfig?.Mounts?.map((m) => [m.Type, m.Source, m.Target, m.ReadOnly]),
    equals: [
      ['bind', '/srv/shop/data', '/data', false],
      ['volume', '', '/cache', false],
      ['bind', '/home/me/seed', '/seed', true],
    ],
  },
  {
    flag: '-v at a path the service mounts: replaces that mount, in its place',
    given: { volumes: [dataVolume] },
    expected: (r) => r.HostConfig?.Mounts?.map((m) => [m.Type, m.Source, m.Target]),
    equals: [
      ['volume', 'shop_data', '/data'],
      ['volume', '', '/cache'],
    ],
  },
  {
    flag: '-l: added to the service’s labels, over one of the same key; devenv’s own stay',
    given: { labels: { tier: 'batch', purpose: 'seed' } },
    expected: (r) => ({
      tier: r.Labels?.['tier'],
      team: r.Labels?.['team'],
      purpose: r.Labels?.['purpose'],
      oneoff: r.Labels?.['dev.devenv.oneoff'],
    }),
    equals: { tier: 'batch', team: 'shop', purpose: 'seed', oneoff: 'true' },
  },
  {
    flag: '--cap-add: added, and taken out of cap_drop',
    given: { capAdd: ['NET_RAW', 'SYS_PTRACE'] },
    expected: (r) => [r.HostConfig?.CapAdd, r.HostConfig?.CapDrop],
    equals: [['NET_ADMIN', 'NET_RAW', 'SYS_PTRACE'], ['MKNOD']],
  },
  {
    flag: '--cap-drop: added, and taken out of cap_add',
    given: { capDrop: ['NET_ADMIN'] },
    expected: (r) => [r.HostConfig?.CapAdd, r.HostConfig?.CapDrop],
    equals: [[], ['NET_RAW', 'MKNOD', 'NET_ADMIN']],
  },
  {
    flag: '--cap-add X --cap-drop X: dropped (Compose applies the drops last)',
    given: { capAdd: ['CHOWN'], capDrop: ['CHOWN'] },
    expected: (r) => [r.HostConfig?.CapAdd, r.HostConfig?.CapDrop],
    equals: [['NET_ADMIN'], ['NET_RAW', 'MKNOD', 'CHOWN']],
  },
  {
    flag: '--name: the container’s name',
    given: { name: 'seed-once' },
    expected: (r) => r.name,
    equals: 'seed-once',
  },
  {
    flag: '-d --rm: the Engine removes it when it exits',
    given: { autoRemove: true },
    expected: (r) => r.HostConfig?.AutoRemove,
    equals: true,
  },
  {
    flag: 'without -d --rm: devenv removes it itself, the Engine not asked to',
    given: { autoRemove: false },
    expected: (r) => r.HostConfig?.AutoRemove,
    equals: undefined,
  },
];

describe('oneOffCreateOptions with docker compose run’s flags', () => {
  it.each(FLAG_CASES)('$flag', ({ given, expected, equals }) => {
    expect(expected(oneOffCreateOptions(mounted, scope, { ...input, ...given }))).toEqual(equals);
  });

  it('-i’s stdin is open for every one-off, -d’s too (Compose’s default)', () => {
    const run = oneOffCreateOptions(mounted, scope, { ...input, autoRemove: true });
    expect(run).toMatchObject({ OpenStdin: true, StdinOnce: true, Tty: false });
  });
});
