import type { Problem } from './problem.js';
import { formatPath, isPlainObject, type TreePath } from './tree.js';
import {
  BYTES_HINT,
  castBoolean,
  castInteger,
  castNumber,
  devices,
  exposedPorts,
  extraHosts,
  keyValues,
  parseBytes,
  stringList,
  ulimits,
  type DeviceMapping,
  type ExposedPort,
  type Ulimit,
} from './container-values.js';
import { parsePullPolicy, PULL_POLICY_HINT, type PullPolicy } from './pull-policy.js';
import { checkStopSignal, STOP_SIGNAL_HINT, type BadStopSignal } from './stop-signal.js';
import { parseVolumesFrom, VOLUMES_FROM_HINT, type VolumesFrom } from './volumes-from.js';
import { checkPlatform, PLATFORM_HINT } from './platform.js';

export type { DeviceMapping, ExposedPort, Ulimit } from './container-values.js';
export type { VolumesFrom } from './volumes-from.js';

/**
 * A namespace (`network_mode`, `ipc`, `pid`, `uts`) as written: the Engine's own mode (`host`,
 * `none`, `private`, `shareable`, …), or another service's (its container of the same session).
 */
export type NamespaceMode =
  | { readonly kind: 'mode'; readonly mode: string }
  | { readonly kind: 'service'; readonly service: string };

/** The container options of a service, as the Engine takes them (sizes in bytes, CPUs as nanos). */
export interface ContainerOptions {
  readonly stopSignal?: string;
  /** When the image is pulled (absent: Compose's default, `missing`, or built with `build:`). */
  readonly pullPolicy?: PullPolicy;
  readonly init?: boolean;
  /** Service-level `tmpfs`: container path → mount options (`size=64m`), as HostConfig.Tmpfs. */
  readonly tmpfs?: Readonly<Record<string, string>>;
  readonly shmSizeBytes?: number;
  readonly capAdd?: readonly string[];
  readonly capDrop?: readonly string[];
  readonly securityOpt?: readonly string[];
  readonly sysctls?: Readonly<Record<string, string>>;
  readonly ulimits?: readonly Ulimit[];
  readonly memoryBytes?: number;
  readonly memoryReservationBytes?: number;
  /** -1: unlimited swap. */
  readonly memorySwapBytes?: number;
  readonly nanoCpus?: number;
  readonly cpuShares?: number;
  readonly cpuset?: string;
  readonly pidsLimit?: number;
  readonly readOnly?: boolean;
  readonly devices?: readonly DeviceMapping[];
  readonly hostname?: string;
  readonly domainname?: string;
  /** `host:address` entries; `host-gateway` is the Engine's to replace. */
  readonly extraHosts?: readonly string[];
  readonly dns?: readonly string[];
  readonly dnsSearch?: readonly string[];
  readonly dnsOpt?: readonly string[];
  readonly tty?: boolean;
  readonly stdinOpen?: boolean;
  readonly groupAdd?: readonly string[];
  readonly privileged?: boolean;
  readonly oomScoreAdj?: number;
  readonly networkMode?: NamespaceMode;
  readonly ipc?: NamespaceMode;
  readonly pid?: NamespaceMode;
  readonly uts?: NamespaceMode;
  readonly expose?: readonly ExposedPort[];
  /** Names other containers reach this one by on the project network, beyond its service name. */
  readonly aliases?: readonly string[];
  /** `links: [x:alias]`: x's alias, for this container only. */
  readonly links?: readonly { readonly service: string; readonly alias: string }[];
  /** `volumes_from`: whose volumes this container mounts too (a service's container of the session). */
  readonly volumesFrom?: readonly VolumesFrom[];
  /** `platform` (`linux/amd64`): what the container is created for and its image built for. */
  readonly platform?: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Options = Mutable<ContainerOptions>;

/**
 * One key's reader: sets what it reads on `out`, or says why it cannot (where below the key, and
 * a hint of its own over the key's).
 */
type Reader = (value: unknown, out: Options) => string | ReadProblem | void;
type ReadProblem = { readonly at?: TreePath; readonly message: string; readonly hint?: string };

const bytes =
  (field: 'shmSizeBytes' | 'memoryBytes' | 'memoryReservationBytes'): Reader =>
  (value, out) => {
    const read = parseBytes(value);
    if (!read.ok) return read.error;
    out[field] = read.value;
  };

const flag =
  (field: 'init' | 'readOnly' | 'tty' | 'stdinOpen' | 'privileged'): Reader =>
  (value, out) => {
    const read = castBoolean(value);
    if (read !== undefined) out[field] = read;
  };

const text =
  (field: 'hostname' | 'domainname' | 'cpuset'): Reader =>
  (value, out) => {
    if (typeof value === 'string' || typeof value === 'number') out[field] = String(value);
  };

const list =
  (
    field: 'capAdd' | 'capDrop' | 'securityOpt' | 'dns' | 'dnsSearch' | 'dnsOpt' | 'groupAdd',
  ): Reader =>
  (value, out) => {
    const read = stringList(value);
    if (read !== undefined) out[field] = read;
  };

const namespace =
  (field: 'networkMode' | 'ipc' | 'pid' | 'uts'): Reader =>
  (value, out) => {
    if (typeof value !== 'string' || value === '') return;
    out[field] = value.startsWith('service:')
      ? { kind: 'service', service: value.slice('service:'.length) }
      : { kind: 'mode', mode: value };
  };

const READERS: Readonly<Record<string, readonly [Reader, string]>> = {
  stop_signal: [readStopSignal, STOP_SIGNAL_HINT],
  pull_policy: [readPullPolicy, PULL_POLICY_HINT],
  init: [flag('init'), 'write true or false'],
  tmpfs: [readTmpfs, 'write a container path, or path:options like /run:size=64m'],
  shm_size: [bytes('shmSizeBytes'), BYTES_HINT],
  cap_add: [list('capAdd'), 'write a list of capabilities like NET_ADMIN'],
  cap_drop: [list('capDrop'), 'write a list of capabilities like NET_RAW'],
  security_opt: [list('securityOpt'), 'write a list like [no-new-privileges:true]'],
  sysctls: [readSysctls, 'write name: value pairs, or a list of "name=value"'],
  ulimits: [readUlimits, 'write nofile: 1024, or nofile: {soft: 1024, hard: 4096}'],
  mem_limit: [bytes('memoryBytes'), BYTES_HINT],
  mem_reservation: [bytes('memoryReservationBytes'), BYTES_HINT],
  memswap_limit: [readSwap, `${BYTES_HINT}; -1 for unlimited swap`],
  cpus: [readCpus, 'write a number of CPUs, 0 or more, like 0.5'],
  cpu_shares: [readCpuShares, 'write a relative weight, like 512 (the default is 1024)'],
  cpuset: [text('cpuset'), 'write CPUs like 0-2 or 0,1'],
  pids_limit: [readPidsLimit, 'write a number of processes, or -1 for no limit'],
  read_only: [flag('readOnly'), 'write true or false'],
  devices: [readDevices, 'write /dev/host[:/dev/container[:rwm]]'],
  hostname: [text('hostname'), 'write a host name'],
  domainname: [text('domainname'), 'write a domain name'],
  extra_hosts: [readExtraHosts, 'write host:address, like host.docker.internal:host-gateway'],
  dns: [list('dns'), 'write an address or a list of addresses'],
  dns_search: [list('dnsSearch'), 'write a domain or a list of domains'],
  dns_opt: [list('dnsOpt'), 'write a list of resolver options'],
  tty: [flag('tty'), 'write true or false'],
  stdin_open: [flag('stdinOpen'), 'write true or false'],
  group_add: [list('groupAdd'), 'write a list of group names or ids'],
  privileged: [flag('privileged'), 'write true or false'],
  oom_score_adj: [readOomScoreAdj, 'write a number from -1000 to 1000'],
  network_mode: [namespace('networkMode'), 'write host, none, bridge or service:NAME'],
  ipc: [namespace('ipc'), 'write host, private, shareable or service:NAME'],
  pid: [namespace('pid'), 'write host or service:NAME'],
  uts: [namespace('uts'), 'write host'],
  expose: [readExpose, 'write ports like 3000, 8000-8002 or 53/udp'],
  volumes_from: [readVolumesFrom, VOLUMES_FROM_HINT],
  platform: [readPlatform, PLATFORM_HINT],
};

/**
 * The container options of one service (`at`: its path), with a positioned problem for each
 * value the Engine would refuse. Undefined when the service sets none of them.
 */
export function readContainerOptions(
  service: Readonly<Record<string, unknown>>,
  at: TreePath,
  problems: Problem[],
): ContainerOptions | undefined {
  const out: Options = {};
  for (const [key, [reader, hint]] of Object.entries(READERS)) {
    const value = service[key];
    if (value === undefined || value === null) continue;
    const bad = reader(value, out);
    if (bad === undefined) continue;
    const problem: ReadProblem = typeof bad === 'string' ? { message: bad } : bad;
    const path = [...at, key, ...(problem.at ?? [])];
    const message = `${formatPath(path)}: ${problem.message}`;
    problems.push({ path, message, hint: problem.hint ?? hint });
  }
  applyDeployResources(service['deploy'], at, out, problems);
  const aliases = aliasesOf(service);
  if (aliases.length > 0) out.aliases = aliases;
  const links = linksOf(service['links']);
  if (links.length > 0) out.links = links;
  return Object.keys(out).length > 0 ? out : undefined;
}

function readStopSignal(value: unknown, out: Options): BadStopSignal | void {
  if (typeof value !== 'string' && typeof value !== 'number') return;
  const bad = checkStopSignal(String(value));
  if (bad !== undefined) return bad;
  out.stopSignal = String(value);
}

function readTmpfs(value: unknown, out: Options): string | void {
  const tmpfs: Record<string, string> = {};
  for (const entry of stringList(value) ?? []) {
    const colon = entry.indexOf(':');
    const path = colon < 0 ? entry : entry.slice(0, colon);
    if (!path.startsWith('/')) return `"${entry}" does not start with an absolute container path`;
    tmpfs[path] = colon < 0 ? '' : entry.slice(colon + 1);
  }
  out.tmpfs = tmpfs;
}

function readPullPolicy(value: unknown, out: Options): string | void {
  const read = parsePullPolicy(value);
  if (!read.ok) return read.error;
  out.pullPolicy = read.value;
}

function readSysctls(value: unknown, out: Options): void {
  const read = keyValues(value);
  if (read !== undefined) out.sysctls = read;
}

function readUlimits(value: unknown, out: Options): { at: TreePath; message: string } | void {
  const read = ulimits(value);
  if (!read.ok) return { at: [read.error.name], message: read.error.message };
  out.ulimits = read.value;
}

function readSwap(value: unknown, out: Options): string | void {
  if (castInteger(value) === -1) {
    out.memorySwapBytes = -1;
    return;
  }
  const read = parseBytes(value);
  if (!read.ok) return read.error;
  out.memorySwapBytes = read.value;
}

function readCpus(value: unknown, out: Options): string | void {
  const cpus = castNumber(value);
  if (cpus === undefined) return;
  if (cpus < 0) return `${cpus} is not a number of CPUs: it must be 0 or more`;
  out.nanoCpus = Math.round(cpus * 1e9);
}

function readCpuShares(value: unknown, out: Options): string | void {
  const shares = castInteger(value);
  if (shares === undefined) return;
  if (shares < 0) return `${shares} is not a CPU weight: it must be 0 or more`;
  out.cpuShares = shares;
}

function readPidsLimit(value: unknown, out: Options): void {
  const limit = castInteger(value);
  if (limit !== undefined) out.pidsLimit = limit;
}

function readDevices(value: unknown, out: Options): string | void {
  const read = devices(value);
  if (!read.ok) return read.error;
  out.devices = read.value;
}

function readExtraHosts(value: unknown, out: Options): string | void {
  const read = extraHosts(value);
  if (!read.ok) return read.error;
  out.extraHosts = read.value;
}

function readOomScoreAdj(value: unknown, out: Options): string | void {
  const score = castInteger(value);
  if (score === undefined) return;
  if (score < -1000 || score > 1000) return `${score} is not between -1000 and 1000`;
  out.oomScoreAdj = score;
}

function readVolumesFrom(value: unknown, out: Options): ReadProblem | void {
  const read = parseVolumesFrom(stringList(value) ?? []);
  if (!read.ok) return { at: [read.error.index], message: read.error.message };
  if (read.value.length > 0) out.volumesFrom = read.value;
}

function readPlatform(value: unknown, out: Options): string | void {
  // An empty platform (`platform: ${PLATFORM}` unset) is none, as Compose has it.
  if (typeof value !== 'string' || value === '') return;
  const read = checkPlatform(value);
  if (!read.ok) return read.error;
  out.platform = read.value;
}

function readExpose(value: unknown, out: Options): string | void {
  const read = exposedPorts(value);
  if (!read.ok) return read.error;
  out.expose = read.value;
}

/**
 * `deploy.resources` as Docker Compose maps it onto a container: the limits' memory, cpus and
 * pids, and the reservations' memory (a CPU reservation is Swarm's alone). They win over the
 * service-level keys (which consistency.ts makes agree anyway).
 */
function applyDeployResources(deploy: unknown, at: TreePath, out: Options, problems: Problem[]) {
  const resources = isPlainObject(deploy) ? deploy['resources'] : undefined;
  if (!isPlainObject(resources)) return;
  const { limits, reservations } = resources;
  const base = [...at, 'deploy', 'resources'];
  const bad = (path: TreePath, message: string, hint: string) =>
    problems.push({ path, message: `${formatPath(path)}: ${message}`, hint });
  if (isPlainObject(limits)) {
    if (limits['memory'] !== undefined && limits['memory'] !== null) {
      const read = parseBytes(limits['memory']);
      if (read.ok) out.memoryBytes = read.value;
      else bad([...base, 'limits', 'memory'], read.error, BYTES_HINT);
    }
    const cpus = castNumber(limits['cpus']);
    if (cpus !== undefined && cpus < 0)
      bad([...base, 'limits', 'cpus'], `${cpus} is not a number of CPUs: it must be 0 or more`, '');
    else if (cpus !== undefined && cpus > 0) out.nanoCpus = Math.round(cpus * 1e9);
    const pids = castInteger(limits['pids']);
    if (pids !== undefined && pids > 0) out.pidsLimit = pids;
  }
  if (isPlainObject(reservations) && reservations['memory'] != null) {
    const read = parseBytes(reservations['memory']);
    if (read.ok) out.memoryReservationBytes = read.value;
    else bad([...base, 'reservations', 'memory'], read.error, BYTES_HINT);
  }
}

/**
 * Names for this container on the project network: its `networks:` aliases (every network's: the
 * project has one), its `container_name` and its `hostname` (other containers use them as host
 * names; the Engine resolves neither by itself).
 */
function aliasesOf(service: Readonly<Record<string, unknown>>): string[] {
  const aliases = new Set<string>();
  const networks = service['networks'];
  if (isPlainObject(networks))
    for (const network of Object.values(networks))
      if (isPlainObject(network))
        for (const alias of stringList(network['aliases']) ?? []) aliases.add(alias);
  for (const key of ['container_name', 'hostname'])
    if (typeof service[key] === 'string' && service[key] !== '') aliases.add(service[key]);
  return [...aliases];
}

function linksOf(links: unknown): { service: string; alias: string }[] {
  return (stringList(links) ?? []).map((link) => {
    const [service = link, alias = service] = link.split(':');
    return { service, alias };
  });
}
