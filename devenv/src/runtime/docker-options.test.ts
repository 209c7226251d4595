import { describe, expect, it } from 'vitest';
import { devenvExtension, serviceSpec } from '../../test/docker-service-spec.js';
import type { ServiceSpec } from '../model/stack.js';
import { buildPlan } from './docker-build.js';
import { containerCreateOptions, healthConfig } from './docker.js';
import { containerName, defaultImageTag } from './docker-labels.js';

/** The pure halves of the docker runtime: what it asks the Engine for, without an Engine. */
const scope = { projectName: 'shop', sessionId: '3f2a9c1e-77aa-4bb0-9e0e-000000000000' };

const spec = (overrides: Partial<ServiceSpec> = {}): ServiceSpec =>
  serviceSpec('api', {
    image: 'shop-api:dev',
    stopGracePeriodMs: 10_000,
    devenv: devenvExtension({ group: 'app' }),
    ...overrides,
  });

describe('containerCreateOptions', () => {
  it('publishes on loopback unless the file names an address; no host port or a range lets the Engine pick', () => {
    const options = containerCreateOptions(
      spec({
        ports: [
          { host: 8080, container: 80, hostIp: undefined, protocol: 'tcp' },
          { host: 8443, container: 443, hostIp: '0.0.0.0', protocol: 'tcp' },
          { host: 5353, container: 53, hostIp: undefined, protocol: 'udp' },
          { host: undefined, container: 9000, hostIp: undefined, protocol: 'tcp' },
          { host: 6005, hostEnd: 6015, container: 81, hostIp: undefined, protocol: 'tcp' },
        ],
      }),
      'shop-api:dev',
      scope,
      'shop_devenv',
    );
    expect(options.ExposedPorts).toEqual({
      '80/tcp': {},
      '443/tcp': {},
      '53/udp': {},
      '9000/tcp': {},
      '81/tcp': {},
    });
    expect(options.HostConfig?.PortBindings).toEqual({
      '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }],
      '443/tcp': [{ HostIp: '0.0.0.0', HostPort: '8443' }],
      '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }],
      '9000/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }],
      '81/tcp': [{ HostIp: '127.0.0.1', HostPort: '6005-6015' }],
    });
  });

  it('labels, names and wires the container as the stack says', () => {
    const options = containerCreateOptions(
      spec({
        environment: { A: '1', B: 'two words' },
        command: ['serve', '--port', '80'],
        entrypoint: [],
        workingDir: '/app',
        stopGracePeriodMs: 2_500,
      }),
      'shop-api:dev',
      scope,
      'shop_devenv',
    );
    expect(options).toMatchObject({
      name: 'shop-api-3f2a9c1e',
      Image: 'shop-api:dev',
      Labels: {
        'dev.devenv.project': 'shop',
        'dev.devenv.session': scope.sessionId,
        'dev.devenv.service': 'api',
      },
      Env: ['A=1', 'B=two words'],
      Cmd: ['serve', '--port', '80'],
      Entrypoint: [],
      WorkingDir: '/app',
      StopTimeout: 3,
      HostConfig: { NetworkMode: 'shop_devenv', RestartPolicy: { Name: 'no' } },
      NetworkingConfig: { EndpointsConfig: { shop_devenv: { Aliases: ['api'] } } },
    });
    // Left out, the image's own CMD, ENTRYPOINT and USER apply.
    const bare = containerCreateOptions(spec(), 'shop-api:dev', scope, 'shop_devenv');
    expect(bare).not.toHaveProperty('Cmd');
    expect(bare).not.toHaveProperty('Entrypoint');
    expect(bare).not.toHaveProperty('User');
  });

  it('passes user, unsets variables with a bare KEY (as Compose), and mounts image volumes read-only', () => {
    const options = containerCreateOptions(
      spec({
        environment: { A: '1' },
        unsetEnvironment: ['GONE'],
        user: '1000:1000',
        volumes: [{ type: 'image', source: 'assets:1', target: '/assets', subpath: 'web' }],
      }),
      'shop-api:dev',
      scope,
      'shop_devenv',
    );
    expect(options).toMatchObject({ Env: ['A=1', 'GONE'], User: '1000:1000' });
    expect(options.HostConfig?.Mounts).toEqual([
      {
        Type: 'image',
        Source: 'assets:1',
        Target: '/assets',
        ReadOnly: true,
        ImageOptions: { Subpath: 'web' },
      },
    ]);
  });

  it('keeps Docker names valid whatever the project is called', () => {
    expect(containerName('My Project', 'web/api', 'abc')).toBe('My-Project-web-api-abc');
    expect(defaultImageTag('My_Project', 'Web')).toBe('my_project-web:devenv');
  });
});

describe('containerCreateOptions with the container options', () => {
  const name = (service: string) => containerName('shop', service, scope.sessionId);

  it('puts each option where Docker Compose puts it in the create request', () => {
    const options = containerCreateOptions(
      spec({
        labels: { team: 'db', 'dev.devenv.project': 'not-this' },
        container: {
          stopSignal: 'SIGINT',
          init: true,
          tmpfs: { '/run': 'size=64m' },
          shmSizeBytes: 268435456,
          capAdd: ['NET_ADMIN'],
          capDrop: ['MKNOD'],
          securityOpt: ['no-new-privileges:true'],
          sysctls: { 'net.core.somaxconn': '1024' },
          ulimits: [{ name: 'nofile', soft: 1024, hard: 4096 }],
          memoryBytes: 2 ** 30,
          memoryReservationBytes: 2 ** 29,
          memorySwapBytes: -1,
          nanoCpus: 500_000_000,
          cpuShares: 512,
          cpuset: '0',
          pidsLimit: 100,
          readOnly: true,
          devices: [{ host: '/dev/fuse', container: '/dev/fuse', permissions: 'rwm' }],
          hostname: 'db.local',
          domainname: 'example.com',
          extraHosts: ['host.docker.internal:host-gateway'],
          dns: ['1.1.1.1'],
          dnsSearch: ['example.com'],
          dnsOpt: ['ndots:1'],
          tty: true,
          stdinOpen: true,
          groupAdd: ['audio'],
          privileged: false,
          oomScoreAdj: 100,
          ipc: { kind: 'service', service: 'app' },
          pid: { kind: 'mode', mode: 'host' },
          expose: [{ port: 5432, protocol: 'tcp' }],
          aliases: ['postgres', 'my-db'],
          links: [
            { service: 'cache', alias: 'redis' },
            { service: 'queue', alias: 'queue' },
          ],
        },
        files: [
          {
            kind: 'secret',
            name: 'pw',
            target: '/run/secrets/pw',
            source: { kind: 'file', path: '/p/pw.txt' },
          },
          { kind: 'config', name: 'c', target: '/c', source: { kind: 'content', content: 'x' } },
        ],
      }),
      'shop-api:dev',
      scope,
      'shop_devenv',
      { fileSources: ['/p/pw.txt', '/p/.devenv/secrets/s/api/1-config-c'] },
    );
    expect(options).toMatchObject({
      StopSignal: 'SIGINT',
      Hostname: 'db.local',
      Domainname: 'example.com',
      Tty: true,
      OpenStdin: true,
      ExposedPorts: { '5432/tcp': {} },
      Labels: { team: 'db', 'dev.devenv.project': 'shop' },
      HostConfig: {
        Init: true,
        Tmpfs: { '/run': 'size=64m' },
        ShmSize: 268435456,
        CapAdd: ['NET_ADMIN'],
        CapDrop: ['MKNOD'],
        SecurityOpt: ['no-new-privileges:true'],
        Sysctls: { 'net.core.somaxconn': '1024' },
        Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 4096 }],
        Memory: 2 ** 30,
        MemoryReservation: 2 ** 29,
        MemorySwap: -1,
        NanoCpus: 500_000_000,
        CpuShares: 512,
        CpusetCpus: '0',
        PidsLimit: 100,
        ReadonlyRootfs: true,
        Devices: [
          { PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' },
        ],
        ExtraHosts: ['host.docker.internal:host-gateway'],
        Dns: ['1.1.1.1'],
        DnsSearch: ['example.com'],
        DnsOptions: ['ndots:1'],
        GroupAdd: ['audio'],
        Privileged: false,
        OomScoreAdj: 100,
        IpcMode: `container:${name('app')}`,
        PidMode: 'host',
        NetworkMode: 'shop_devenv',
        Mounts: [
          { Type: 'bind', Source: '/p/pw.txt', Target: '/run/secrets/pw', ReadOnly: true },
          {
            Type: 'bind',
            Source: '/p/.devenv/secrets/s/api/1-config-c',
            Target: '/c',
            ReadOnly: true,
          },
        ],
      },
      NetworkingConfig: {
        EndpointsConfig: {
          shop_devenv: { Aliases: ['api', 'postgres', 'my-db'], Links: [`${name('cache')}:redis`] },
        },
      },
    });
  });

  it('leaves the request as before for a service without options', () => {
    const options = containerCreateOptions(spec(), 'shop-api:dev', scope, 'shop_devenv');
    expect(options.HostConfig && Object.keys(options.HostConfig).sort()).toEqual([
      'Mounts',
      'NetworkMode',
      'PortBindings',
      'RestartPolicy',
    ]);
    expect(options.Tty).toBe(false);
    expect(options.StopSignal).toBeUndefined();
  });

  it.each([
    [{ kind: 'mode', mode: 'host' } as const, 'host'],
    [{ kind: 'mode', mode: 'none' } as const, 'none'],
    [{ kind: 'service', service: 'vpn' } as const, `container:${name('vpn')}`],
  ])('network_mode %j runs off the project network, as %s', (networkMode, mode) => {
    const options = containerCreateOptions(
      spec({ container: { networkMode } }),
      'shop-api:dev',
      scope,
      'shop_devenv',
    );
    expect(options.HostConfig?.NetworkMode).toBe(mode);
    expect(options.NetworkingConfig).toBeUndefined();
  });
});

describe('healthConfig', () => {
  it('converts Compose durations to nanoseconds', () => {
    expect(
      healthConfig({
        test: ['CMD-SHELL', 'pg_isready'],
        intervalMs: 5_000,
        timeoutMs: 1_500,
        retries: 4,
        startPeriodMs: 10_000,
        startIntervalMs: 500,
      }),
    ).toEqual({
      Test: ['CMD-SHELL', 'pg_isready'],
      Interval: 5e9,
      Timeout: 1.5e9,
      StartPeriod: 1e10,
      StartInterval: 5e8,
      Retries: 4,
    });
  });

  it("keeps the image's own test when the file gives only timings", () => {
    const config = healthConfig({
      test: [],
      intervalMs: 1_000,
      timeoutMs: 1_000,
      retries: 3,
      startPeriodMs: 0,
      startIntervalMs: 0,
    });
    expect(config).not.toHaveProperty('Test');
    expect(config).not.toHaveProperty('StartInterval');
  });

  it('passes [NONE] on, which switches the image HEALTHCHECK off', () => {
    const config = healthConfig({
      test: ['NONE'],
      intervalMs: 30_000,
      timeoutMs: 30_000,
      retries: 3,
      startPeriodMs: 0,
      startIntervalMs: 5_000,
    });
    expect(config.Test).toEqual(['NONE']);
  });
});

describe('buildPlan', () => {
  it('reads context, dockerfile, args in list or map form, target and labels', () => {
    expect(
      buildPlan(
        {
          context: '/src/app',
          dockerfile: 'docker/Dockerfile.dev',
          args: ['NODE=24', 'FROM_ENV', 'UNSET'],
          target: 'dev',
          labels: { team: 'shop' },
        },
        '/src',
        { FROM_ENV: 'yes' },
      ),
    ).toEqual({
      ok: true,
      value: {
        context: '/src/app',
        dockerfile: 'docker/Dockerfile.dev',
        args: { NODE: '24', FROM_ENV: 'yes' },
        target: 'dev',
        labels: { team: 'shop' },
        noCache: false,
      },
    });
  });

  it('resolves a relative context against the project directory', () => {
    const plan = buildPlan({ context: 'svc', args: { N: 1 } }, '/src', {});
    expect(plan.ok && plan.value).toMatchObject({
      context: '/src/svc',
      dockerfile: 'Dockerfile',
      args: { N: '1' },
    });
  });

  it('refuses what it cannot build faithfully', () => {
    const outside = buildPlan({ context: '/src/app', dockerfile: '../Dockerfile' }, '/src', {});
    expect(outside.ok ? '' : outside.error).toContain('outside the build context');
    const remote = buildPlan({ context: 'https://github.com/x/y.git' }, '/src', {});
    expect(remote.ok ? '' : remote.error).toContain('remote context');
    const inline = buildPlan({ context: '/src', dockerfile_inline: 'FROM scratch' }, '/src', {});
    expect(inline.ok ? '' : inline.error).toContain('dockerfile_inline is not supported');
  });
});
