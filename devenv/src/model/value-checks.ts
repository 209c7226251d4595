import type { Problem } from './problem.js';
import { isPlainObject, valueAt, type TreePath } from './tree.js';

/**
 * Values of keys devenv passes through (it does not apply them), checked as compose-go checks
 * them, so a file Docker Compose refuses is refused here too: the strings compose-go casts to a
 * boolean or a number after interpolation (loader/interpolate.go), and the few schema rules and
 * decoding checks on those keys that a file can get wrong (umask, tmpfs size, device requests,
 * build ssh). devenv's own typed fields are checked by its zod schema instead.
 */
export function valueProblems(document: unknown): Problem[] {
  if (!isPlainObject(document)) return [];
  const problems: Problem[] = [];
  for (const kind of ['networks', 'secrets', 'configs'] as const) {
    const resources = document[kind];
    if (!isPlainObject(resources)) continue;
    const flags = kind === 'networks' ? NETWORK_FLAGS : ['external'];
    for (const [name, resource] of Object.entries(resources))
      if (isPlainObject(resource))
        for (const flag of flags)
          checkCast(resource[flag], 'boolean', [kind, name, flag], problems);
  }
  const services = document['services'];
  if (isPlainObject(services))
    for (const [name, service] of Object.entries(services))
      if (isPlainObject(service)) serviceProblems(service, ['services', name], problems);
  return problems;
}

type Cast = 'boolean' | 'integer' | 'number' | 'umask';

const NETWORK_FLAGS = ['external', 'internal', 'attachable', 'enable_ipv4', 'enable_ipv6'];

/** Service paths compose-go casts (`*`: any key or list item), devenv's typed fields left out. */
const SERVICE_CASTS: readonly (readonly [readonly string[], Cast])[] = [
  [['cpu_count'], 'integer'],
  [['cpu_percent'], 'number'],
  [['cpu_period'], 'integer'],
  [['cpu_quota'], 'integer'],
  [['cpu_rt_period'], 'integer'],
  [['cpu_rt_runtime'], 'integer'],
  [['cpus'], 'number'],
  [['cpu_shares'], 'integer'],
  [['init'], 'boolean'],
  [['networks', '*', 'use_service_name_alias'], 'boolean'],
  [['oom_kill_disable'], 'boolean'],
  [['oom_score_adj'], 'integer'],
  [['pids_limit'], 'integer'],
  [['privileged'], 'boolean'],
  [['read_only'], 'boolean'],
  [['umask'], 'umask'],
  [['ulimits', '*'], 'integer'],
  [['ulimits', '*', 'hard'], 'integer'],
  [['ulimits', '*', 'soft'], 'integer'],
  [['volumes', '*', 'volume', 'nocopy'], 'boolean'],
  [['stdin_open'], 'boolean'],
  [['tty'], 'boolean'],
  [['deploy', 'update_config', 'parallelism'], 'integer'],
  [['deploy', 'update_config', 'max_failure_ratio'], 'number'],
  [['deploy', 'rollback_config', 'parallelism'], 'integer'],
  [['deploy', 'rollback_config', 'max_failure_ratio'], 'number'],
  [['deploy', 'restart_policy', 'max_attempts'], 'integer'],
  [['deploy', 'placement', 'max_replicas_per_node'], 'integer'],
];

const MAX_UMASK = 0xffff_ffff;

function serviceProblems(
  service: Record<string, unknown>,
  at: TreePath,
  problems: Problem[],
): void {
  for (const [path, cast] of SERVICE_CASTS)
    for (const [value, where] of valuesAt(service, path, at))
      checkCast(value, cast, where, problems);
  checkUmask(service['umask'], [...at, 'umask'], problems);
  const volumes = service['volumes'];
  if (Array.isArray(volumes))
    volumes.forEach((volume, i) => {
      const tmpfs = isPlainObject(volume) ? volume['tmpfs'] : undefined;
      if (isPlainObject(tmpfs))
        checkSize(tmpfs['size'], [...at, 'volumes', i, 'tmpfs', 'size'], problems);
    });
  const build = service['build'];
  if (isPlainObject(build) && Object.hasOwn(build, 'ssh') && !isListOrMapping(build['ssh']))
    problems.push({
      path: [...at, 'build', 'ssh'],
      message: 'build.ssh must be a list (default, or id=path) or a mapping of id: path',
      hint: 'write ssh: [default] to forward the SSH agent, or remove the key',
    });
  const resources = valueAt(service, ['deploy', 'resources']);
  for (const kind of ['reservations', 'limits']) {
    const devices = valueAt(resources, [kind, 'devices']);
    if (Array.isArray(devices))
      devices.forEach((device, i) =>
        deviceProblems(device, [...at, 'deploy', 'resources', kind, 'devices', i], problems),
      );
  }
}

/** A device request (`deploy.resources.reservations.devices[]`), as compose-go reads one. */
function deviceProblems(device: unknown, at: TreePath, problems: Problem[]): void {
  if (!isPlainObject(device)) return;
  if (!Object.hasOwn(device, 'capabilities'))
    problems.push({
      path: at,
      message: 'a device request needs capabilities',
      hint: 'add capabilities: [gpu] (or the capabilities the device must have)',
    });
  const count = device['count'];
  if (
    count !== undefined &&
    !(typeof count === 'number' && Number.isInteger(count)) &&
    !(typeof count === 'string' && (count === 'all' || /^-?\d+$/.test(count)))
  )
    problems.push({
      path: [...at, 'count'],
      message: `count must be a number of devices or "all", not ${JSON.stringify(count)}`,
      hint: 'write count: 1, or count: all',
    });
  if (count !== undefined && Object.hasOwn(device, 'device_ids'))
    problems.push({
      path: [...at, 'device_ids'],
      at: 'key',
      message: 'count and device_ids exclude each other',
      hint: 'name the devices (device_ids) or say how many (count), not both',
    });
}

function checkCast(value: unknown, cast: Cast, path: TreePath, problems: Problem[]): void {
  if (typeof value !== 'string' || CASTS[cast].test(value)) return;
  problems.push({
    path,
    message: `${JSON.stringify(value)} is not ${CAST_NAMES[cast]}`,
    hint: CAST_HINTS[cast],
  });
}

const CASTS: Readonly<Record<Cast, RegExp>> = {
  boolean: /^(?:true|false|y|yes|on|n|no|off)$/i,
  integer: /^[+-]?\d+$/,
  number: /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|inf(?:inity)?|nan)$/i,
  umask: /^(?:0x[\da-f_]+|0o?[0-7_]*|0b[01_]+|[1-9][\d_]*)$/i,
};

const CAST_NAMES: Readonly<Record<Cast, string>> = {
  boolean: 'a boolean',
  integer: 'an integer',
  number: 'a number',
  umask: 'a umask',
};

const CAST_HINTS: Readonly<Record<Cast, string>> = {
  boolean: 'write true or false',
  integer: 'write a whole number',
  number: 'write a number, like 0.5',
  umask: 'write an octal umask with a leading 0, like 022',
};

/** umask: an integer from 0 to 2³²−1, or a string compose-go parses as one (0-prefixed: octal). */
function checkUmask(value: unknown, path: TreePath, problems: Problem[]): void {
  if (value === undefined || value === null) return;
  const parsed =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && CASTS.umask.test(value)
        ? parseUmask(value)
        : undefined;
  if (typeof value === 'string' && parsed === undefined) return; // reported as a cast already
  if (parsed !== undefined && Number.isInteger(parsed) && parsed >= 0 && parsed <= MAX_UMASK)
    return;
  problems.push({
    path,
    message: `umask must be an integer from 0 to ${MAX_UMASK}, not ${JSON.stringify(value)}`,
    hint: CAST_HINTS.umask,
  });
}

function parseUmask(text: string): number {
  const digits = text.replaceAll('_', '');
  if (/^0x/i.test(digits)) return parseInt(digits.slice(2), 16);
  if (/^0b/i.test(digits)) return parseInt(digits.slice(2), 2);
  if (/^0o/i.test(digits)) return parseInt(digits.slice(2), 8);
  if (digits.startsWith('0')) return digits === '0' ? 0 : parseInt(digits.slice(1), 8);
  return parseInt(digits, 10);
}

/** tmpfs size: bytes as a non-negative integer, or a string with a unit (`64m`). */
function checkSize(value: unknown, path: TreePath, problems: Problem[]): void {
  if (typeof value !== 'number') return;
  if (Number.isInteger(value) && value >= 0) return;
  problems.push({
    path,
    message: Number.isInteger(value)
      ? `tmpfs size must be 0 or more bytes, not ${value}`
      : `tmpfs size must be a whole number of bytes, not ${value}`,
    hint: 'write bytes as an integer, or a size with a unit like "64m"',
  });
}

function isListOrMapping(value: unknown): boolean {
  return Array.isArray(value) || isPlainObject(value);
}

/** Every value at `path` below `value` (`*` matching each key or item), with its full path. */
function valuesAt(
  value: unknown,
  path: readonly string[],
  at: TreePath,
): (readonly [unknown, TreePath])[] {
  const [step, ...rest] = path;
  if (step === undefined) return [[value, at]];
  if (step === '*') {
    const entries: [string | number, unknown][] = Array.isArray(value)
      ? value.map((item, i) => [i, item])
      : isPlainObject(value)
        ? Object.entries(value)
        : [];
    return entries.flatMap(([key, item]) => valuesAt(item, rest, [...at, key]));
  }
  if (!isPlainObject(value) || !Object.hasOwn(value, step)) return [];
  return valuesAt(value[step], rest, [...at, step]);
}
