import { describe, expect, it } from 'vitest';
import type { ServiceSpec } from '../model/stack.js';
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
