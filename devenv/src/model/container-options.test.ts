import { describe, expect, it } from 'vitest';
import { readContainerOptions, type ContainerOptions } from './container-options.js';
import { modeOf, readFileMounts, type FileMount } from './container-files.js';
import { formatDiagnostic } from '../diagnostic.js';
import { explainedRejection } from './compose-differences.js';
import { parseStack } from './load-stack.js';
import type { Problem } from './problem.js';

const at = ['services', 'db'];

function read(service: Record<string, unknown>): {
  options: ContainerOptions | undefined;
  problems: Problem[];
} {
  const problems: Problem[] = [];
  return { options: readContainerOptions(service, at, problems), problems };
}

describe('container options, as compose-go reads them', () => {
  it.each<[string, Record<string, unknown>, ContainerOptions]>([
    ['stop_signal', { stop_signal: 'SIGINT' }, { stopSignal: 'SIGINT' }],
    ['init as a cast string', { init: 'true' }, { init: true }],
    ['shm_size binary units', { shm_size: '256m' }, { shmSizeBytes: 256 * 1024 * 1024 }],
    ['shm_size in bytes', { shm_size: 1048576 }, { shmSizeBytes: 1048576 }],
    ['mem_limit with b and i', { mem_limit: '1.5GiB' }, { memoryBytes: 1.5 * 2 ** 30 }],
    ['memswap_limit unlimited', { memswap_limit: -1 }, { memorySwapBytes: -1 }],
    ['cpus as nanos', { cpus: '0.5' }, { nanoCpus: 500_000_000 }],
    [
      'cpu_shares and cpuset',
      { cpu_shares: 512, cpuset: '0-1' },
      { cpuShares: 512, cpuset: '0-1' },
    ],
    ['pids_limit', { pids_limit: '100' }, { pidsLimit: 100 }],
    ['tmpfs one string', { tmpfs: '/run' }, { tmpfs: { '/run': '' } }],
    [
      'tmpfs list with options',
      { tmpfs: ['/run:size=64m,mode=1777', '/tmp'] },
      { tmpfs: { '/run': 'size=64m,mode=1777', '/tmp': '' } },
    ],
    [
      'cap_add and cap_drop',
      { cap_add: ['NET_ADMIN'], cap_drop: ['ALL'] },
      { capAdd: ['NET_ADMIN'], capDrop: ['ALL'] },
    ],
    [
      'sysctls as a list',
      { sysctls: ['net.core.somaxconn=1024'] },
      { sysctls: { 'net.core.somaxconn': '1024' } },
    ],
    [
      'sysctls as a mapping',
      { sysctls: { 'net.ipv4.ip_forward': 1 } },
      { sysctls: { 'net.ipv4.ip_forward': '1' } },
    ],
    [
      'ulimits single and pair',
      { ulimits: { nproc: 65535, nofile: { soft: 1024, hard: '4096' } } },
      {
        ulimits: [
          { name: 'nproc', soft: 65535, hard: 65535 },
          { name: 'nofile', soft: 1024, hard: 4096 },
        ],
      },
    ],
    [
      'extra_hosts list forms',
      { extra_hosts: ['host.docker.internal:host-gateway', 'db=10.0.0.2', 'v6=[::1]'] },
      { extraHosts: ['host.docker.internal:host-gateway', 'db:10.0.0.2', 'v6:::1'] },
    ],
    [
      'extra_hosts mapping with a list',
      { extra_hosts: { a: '10.0.0.1', b: ['10.0.0.2', '::2'] } },
      { extraHosts: ['a:10.0.0.1', 'b:10.0.0.2', 'b:::2'] },
    ],
    [
      'dns one string',
      { dns: '1.1.1.1', dns_search: 'example.com' },
      { dns: ['1.1.1.1'], dnsSearch: ['example.com'] },
    ],
    [
      'devices short and long',
      {
        devices: [
          '/dev/fuse',
          '/dev/a:/dev/b:r',
          { source: '/dev/c', target: '/dev/d', permissions: 'rw' },
        ],
      },
      {
        devices: [
          { host: '/dev/fuse', container: '/dev/fuse', permissions: 'rwm' },
          { host: '/dev/a', container: '/dev/b', permissions: 'r' },
          { host: '/dev/c', container: '/dev/d', permissions: 'rw' },
        ],
      },
    ],
    [
      'expose ranges and protocols',
      { expose: ['3000', '53/udp', 8000, '9000-9001'] },
      {
        expose: [
          { port: 3000, protocol: 'tcp' },
          { port: 53, protocol: 'udp' },
          { port: 8000, protocol: 'tcp' },
          { port: 9000, protocol: 'tcp' },
          { port: 9001, protocol: 'tcp' },
        ],
      },
    ],
    [
      'namespaces',
      { network_mode: 'service:vpn', ipc: 'host', pid: 'service:app' },
      {
        networkMode: { kind: 'service', service: 'vpn' },
        ipc: { kind: 'mode', mode: 'host' },
        pid: { kind: 'service', service: 'app' },
      },
    ],
    [
      'flags',
      { read_only: 'yes', tty: true, stdin_open: 'false', privileged: false },
      { readOnly: true, tty: true, stdinOpen: false, privileged: false },
    ],
    [
      'group_add numbers and names',
      { group_add: ['audio', 1000] },
      { groupAdd: ['audio', '1000'] },
    ],
    ['oom_score_adj', { oom_score_adj: -500 }, { oomScoreAdj: -500 }],
    ['platform os/arch', { platform: 'linux/amd64' }, { platform: 'linux/amd64' }],
    ['platform with a variant', { platform: 'linux/arm64/v8' }, { platform: 'linux/arm64/v8' }],
    ['platform an architecture alone', { platform: 'arm64' }, { platform: 'arm64' }],
    [
      'volumes_from services and containers, with and without a mode',
      { volumes_from: ['data', 'cache:ro', 'container:side', 'container:other:rw'] },
      {
        volumesFrom: [
          { kind: 'service', service: 'data' },
          { kind: 'service', service: 'cache', mode: 'ro' },
          { kind: 'container', container: 'side' },
          { kind: 'container', container: 'other', mode: 'rw' },
        ],
      },
    ],
    [
      'deploy.resources as Compose maps them (CPU reservation is Swarm’s)',
      {
        deploy: {
          resources: {
            limits: { cpus: '1.5', memory: '1g', pids: 50 },
            reservations: { cpus: '0.5', memory: '512m' },
          },
        },
      },
      {
        memoryBytes: 2 ** 30,
        nanoCpus: 1_500_000_000,
        pidsLimit: 50,
        memoryReservationBytes: 512 * 2 ** 20,
      },
    ],
    [
      'network aliases, container_name and hostname as aliases',
      {
        networks: { front: { aliases: ['api', 'www'] }, back: null },
        container_name: 'my-db',
        hostname: 'db.local',
      },
      { hostname: 'db.local', aliases: ['api', 'www', 'my-db', 'db.local'] },
    ],
    [
      'links with and without alias',
      { links: ['cache:redis', 'queue'] },
      {
        links: [
          { service: 'cache', alias: 'redis' },
          { service: 'queue', alias: 'queue' },
        ],
      },
    ],
  ])('%s', (_, service, expected) => {
    const { options, problems } = read(service);
    expect(problems).toEqual([]);
    expect(options).toEqual(expected);
  });

  it('is undefined for a service that sets none', () => {
    expect(read({ image: 'x', environment: { A: '1' } }).options).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['mem_limit: 12x', { mem_limit: '12x' }, 'services.db.mem_limit: "12x" is not a size'],
    [
      'cpus: -1',
      { cpus: -1 },
      'services.db.cpus: -1 is not a number of CPUs: it must be 0 or more',
    ],
    [
      'ulimits soft > hard',
      { ulimits: { nofile: { soft: 2048, hard: 1024 } } },
      'services.db.ulimits.nofile: the soft limit 2048 is above the hard limit 1024',
    ],
    [
      'shm_size negative',
      { shm_size: -5 },
      'services.db.shm_size: -5 is not a whole number of bytes, 0 or more',
    ],
    [
      'oom_score_adj out of range',
      { oom_score_adj: 2000 },
      'services.db.oom_score_adj: 2000 is not between -1000 and 1000',
    ],
    [
      'extra_hosts without address',
      { extra_hosts: ['justahost'] },
      'services.db.extra_hosts: "justahost" is not host:address (or host=address)',
    ],
    [
      'expose out of range',
      { expose: ['70000'] },
      'services.db.expose: "70000" is not a port or range like 3000, 8000-8002 or 53/udp',
    ],
    [
      'tmpfs relative',
      { tmpfs: ['run'] },
      'services.db.tmpfs: "run" does not start with an absolute container path',
    ],
    [
      'device permissions',
      { devices: ['/dev/a:/dev/b:xyz'] },
      'services.db.devices: "/dev/a:/dev/b:xyz" is not a device: write /dev/host[:/dev/container[:rwm]]',
    ],
    [
      'platform with too many parts',
      { platform: 'linux/arm64/v8/extra' },
      'services.db.platform: "linux/arm64/v8/extra" is not a platform: too many parts',
    ],
    [
      'platform with an empty part',
      { platform: 'linux/' },
      'services.db.platform: "linux/" is not a platform: an empty part',
    ],
    [
      'platform naming nothing known',
      { platform: 'amd46' },
      'services.db.platform: "amd46" is not a platform: neither a known OS nor an architecture',
    ],
    [
      'volumes_from mode',
      { volumes_from: ['data', 'cache:rx'] },
      'services.db.volumes_from[1]: "cache:rx": "rx" is not a volumes_from mode (ro or rw)',
    ],
    [
      'volumes_from container without a name',
      { volumes_from: ['container:'] },
      'services.db.volumes_from[0]: "container:": no container name',
    ],
    [
      'deploy limit memory',
      { deploy: { resources: { limits: { memory: 'lots' } } } },
      'services.db.deploy.resources.limits.memory: "lots" is not a size',
    ],
  ])('refuses %s, positioned, with a hint', (_, service, message) => {
    const { problems } = read(service);
    expect(problems.map((p) => p.message)).toEqual([message]);
    expect(problems[0]?.hint).toMatch(/^write /);
  });

  it.each<Record<string, unknown>>([
    { cpus: -1 },
    { cpu_shares: -3 },
    { shm_size: -5 },
    { ulimits: { nofile: { soft: 2048, hard: 1024 } } },
    { expose: ['70000'] },
    { tmpfs: ['run'] },
    { devices: ['/dev/a:/dev/b:xyz'] },
    { volumes_from: ['container:side:ro:extra'] },
    { platform: 'linux amd64' },
    { deploy: { resources: { limits: { cpus: '-1' } } } },
  ])('explains refusing %j, which compose-go loads, as a listed difference', (service) => {
    const { problems } = read(service);
    expect(problems).toHaveLength(1);
    expect(explainedRejection(problems.map((p) => p.message))).toBe('container-option-values');
  });

  it.each<[string | number, string]>([
    ['SIGTERM', 'SIGTERM'],
    ['TERM', 'TERM'],
    ['sigusr1', 'sigusr1'],
    ['15', '15'],
    [15, '15'],
    ['64', '64'],
    ['CLD', 'CLD'],
    ['RTMIN+3', 'RTMIN+3'],
    ['SIGRTMAX-1', 'SIGRTMAX-1'],
  ])('takes stop_signal %j as the Engine does', (value, stopSignal) => {
    expect(read({ stop_signal: value })).toEqual({ options: { stopSignal }, problems: [] });
  });

  it.each<[string, string, string]>([
    ['SIGTREM', '"SIGTREM" is not a signal', 'did you mean SIGTERM?'],
    ['TREM', '"TREM" is not a signal', 'did you mean SIGTERM?'],
    ['SIGUSR', '"SIGUSR" is not a signal', 'did you mean SIGUSR1 or SIGUSR2?'],
    [
      'rtmin+16',
      '"rtmin+16" is not a signal',
      'the real-time signals are RTMIN, RTMIN+1 … RTMIN+15 and RTMAX-14 … RTMAX',
    ],
    ['graceful', '"graceful" is not a signal', 'write a signal like SIGTERM, TERM or 15'],
    [
      '0',
      "0 is not a signal number: Linux's are 1 to 64",
      'write a signal like SIGTERM, TERM or 15',
    ],
    [
      '65',
      "65 is not a signal number: Linux's are 1 to 64",
      'write a signal like SIGTERM, TERM or 15',
    ],
  ])('refuses stop_signal %j, positioned, with the close names', (value, message, hint) => {
    const { problems } = read({ stop_signal: value });
    expect(problems).toEqual([
      { path: [...at, 'stop_signal'], message: `services.db.stop_signal: ${message}`, hint },
    ]);
    expect(explainedRejection(problems.map((p) => p.message))).toBe('container-option-values');
  });

  it('leaves values that do not cast to value-checks (one message, not two)', () => {
    expect(read({ init: 'maybe', cpus: 'lots', pids_limit: 'x' })).toEqual({
      options: undefined,
      problems: [],
    });
  });
});

describe('secrets and configs as files', () => {
  const ctx = {
    projectDir: '/project',
    secrets: { pw: { file: './pw.txt' }, token: { environment: 'TOKEN' }, ext: { external: true } },
    configs: { conf: { content: 'a=1\n' } },
  };

  it('mounts file, environment and content sources at their targets', () => {
    const problems: Problem[] = [];
    const mounts = readFileMounts(
      {
        secrets: [
          'pw',
          { source: 'token', target: 'api-token', uid: '1000', gid: 1000, mode: 288 },
          'ext',
        ],
        configs: [{ source: 'conf', target: '/etc/app.conf', mode: '0440' }, { source: 'conf' }],
      },
      at,
      ctx,
      problems,
    );
    expect(problems).toEqual([]);
    expect(mounts).toEqual<FileMount[]>([
      {
        kind: 'secret',
        name: 'pw',
        target: '/run/secrets/pw',
        source: { kind: 'file', path: '/project/pw.txt' },
      },
      {
        kind: 'secret',
        name: 'token',
        target: '/run/secrets/api-token',
        source: { kind: 'environment', variable: 'TOKEN' },
        uid: 1000,
        gid: 1000,
        mode: 0o440,
      },
      {
        kind: 'config',
        name: 'conf',
        target: '/etc/app.conf',
        source: { kind: 'content', content: 'a=1\n' },
        mode: 0o440,
      },
      {
        kind: 'config',
        name: 'conf',
        target: '/conf',
        source: { kind: 'content', content: 'a=1\n' },
      },
    ]);
  });

  it('refuses a uid that is not a number, positioned', () => {
    const problems: Problem[] = [];
    readFileMounts({ secrets: [{ source: 'token', uid: 'root' }] }, at, ctx, problems);
    expect(problems.map((p) => p.message)).toEqual([
      'services.db.secrets[0].uid: "root" is not a numeric uid',
    ]);
  });

  it.each<[unknown, number | undefined | null]>([
    [440, 0o440], // `mode: 0440` as the YAML 1.2 parser reads it
    [288, 288],
    ['0440', 0o440],
    ['0o400', 0o400],
    [undefined, undefined],
    ['rw', null],
  ])('reads mode %j as %j', (value, expected) => {
    expect(modeOf(value)).toBe(expected);
  });
});

describe('in a loaded stack', () => {
  const parse = (text: string) =>
    parseStack([{ file: 'compose.yaml', text }], { projectDir: '/proj', env: {} });

  it('carries the options and files on the service', () => {
    const loaded = parse(
      'services:\n  db:\n    image: postgres:16\n    shm_size: 128m\n    secrets: [pw]\n' +
        'secrets:\n  pw: {file: ./pw.txt}\n',
    );
    if (!loaded.ok) throw new Error(loaded.error.map(formatDiagnostic).join('\n'));
    expect(loaded.value.services['db']?.container).toEqual({ shmSizeBytes: 128 * 2 ** 20 });
    expect(loaded.value.services['db']?.files).toEqual([
      {
        kind: 'secret',
        name: 'pw',
        target: '/run/secrets/pw',
        source: { kind: 'file', path: '/proj/pw.txt' },
      },
    ]);
  });

  it('positions a stop_signal the Engine would refuse, after interpolation', () => {
    const text = 'services:\n  db:\n    image: postgres:16\n    stop_signal: ${STOP}\n';
    const load = (STOP: string) =>
      parseStack([{ file: 'compose.yaml', text }], { projectDir: '/proj', env: { STOP } });
    const bad = load('SIGTREM');
    expect(bad.ok ? [] : bad.error.map(formatDiagnostic)).toEqual([
      expect.stringContaining(
        'compose.yaml:4:18: services.db.stop_signal: "SIGTREM" is not a signal',
      ),
    ]);
    expect(bad.ok ? [] : bad.error.map(formatDiagnostic)).toEqual([
      expect.stringContaining('did you mean SIGTERM?'),
    ]);
    const good = load('SIGINT');
    if (!good.ok) throw new Error(good.error.map(formatDiagnostic).join('\n'));
    expect(good.value.services['db']?.container).toEqual({ stopSignal: 'SIGINT' });
  });

  it('positions a platform the Engine would refuse where it is written', () => {
    const loaded = parse('services:\n  db:\n    image: postgres:16\n    platform: linux//amd64\n');
    expect(loaded.ok ? [] : loaded.error.map(formatDiagnostic)).toEqual([
      expect.stringContaining(
        'compose.yaml:4:15: services.db.platform: "linux//amd64" is not a platform: an empty part',
      ),
    ]);
  });

  it('positions a bad value where it is written', () => {
    const loaded = parse('services:\n  db:\n    image: postgres:16\n    mem_limit: 12x\n');
    expect(loaded.ok ? [] : loaded.error.map(formatDiagnostic)).toEqual([
      expect.stringContaining('compose.yaml:4:16: services.db.mem_limit: "12x" is not a size'),
    ]);
  });
});
