import { isPlainObject } from './tree.js';

/**
 * The Compose Specification's merge rules by field, as compose-go v2 (Docker Compose's loader)
 * applies them to `-f` overrides, `extends` and conflicting `include`s alike. A rule path names
 * a field with `*` for the service, network or volume name: `services.*.ports`.
 */

/** Replaced as a whole: argv lists, where appending would make a different command. */
export const REPLACED = new Set([
  'services.*.command',
  'services.*.entrypoint',
  'services.*.healthcheck.test',
]);

/** `KEY=VALUE` lists or mappings, merged by key (the override's value wins). */
export const BY_KEY = new Set([
  'services.*.environment',
  'services.*.labels',
  'services.*.annotations',
  'services.*.sysctls',
  'services.*.build.args',
  'services.*.build.labels',
  'services.*.build.additional_contexts',
  'services.*.deploy.labels',
  'services.*.x-devenv.native.environment',
  'networks.*.labels',
  'volumes.*.labels',
  'secrets.*.labels',
  'configs.*.labels',
]);

/** A single string stands for a one-item list before appending (`dns: 8.8.8.8`). */
export const TO_SEQUENCE = new Set([
  'services.*.dns',
  'services.*.dns_opt',
  'services.*.dns_search',
  'services.*.env_file',
  'services.*.label_file',
  'services.*.extra_hosts',
  'services.*.tmpfs',
  'services.*.build.extra_hosts',
]);

/** List form converted to the mapping form, then merged by name. */
export const AS_MAPPING: Readonly<Record<string, Readonly<Record<string, unknown>> | null>> = {
  'services.*.depends_on': { condition: 'service_started', required: true },
  'services.*.networks': null,
  'services.*.models': null,
};

/**
 * After appending, one entry per identity: a later entry with the same identity replaces the
 * earlier one in its place. Undefined identity: the entry is kept as it is.
 */
export const IDENTITY: Readonly<Record<string, (item: unknown) => string | undefined>> = {
  'services.*.ports': portIdentity,
  'services.*.expose': (item) =>
    typeof item === 'string' || typeof item === 'number' ? String(item) : undefined,
  'services.*.volumes': mountTarget,
  'services.*.devices': mountTarget,
  'services.*.env_file': (item) =>
    typeof item === 'string'
      ? item
      : isPlainObject(item) && typeof item['path'] === 'string'
        ? item['path']
        : undefined,
  'services.*.secrets': secretTarget('/run/secrets'),
  'services.*.configs': secretTarget(''),
  'services.*.cap_add': keyOf,
  'services.*.cap_drop': keyOf,
  'services.*.dns': keyOf,
  'services.*.dns_opt': keyOf,
  'services.*.dns_search': keyOf,
  'services.*.links': keyOf,
  'services.*.profiles': keyOf,
  'services.*.tmpfs': keyOf,
};

function keyOf(item: unknown): string | undefined {
  return typeof item === 'string' ? (item.split('=', 1)[0] ?? item) : undefined;
}

/** The container path of a short (`src:/target:ro`) or long (`{target}`) mount. */
export function mountTarget(item: unknown): string | undefined {
  if (typeof item === 'string') {
    const parts = item.split(':');
    return parts.length === 1 ? parts[0] : parts[1];
  }
  if (isPlainObject(item) && typeof item['target'] === 'string') return item['target'];
  return undefined;
}

function secretTarget(directory: string): (item: unknown) => string | undefined {
  return (item) => {
    if (typeof item === 'string') return `${directory}/${item}`;
    if (!isPlainObject(item)) return undefined;
    if (typeof item['target'] === 'string') return item['target'];
    return `${directory}/${String(item['source'])}`;
  };
}

function portIdentity(item: unknown): string | undefined {
  if (typeof item === 'string' || typeof item === 'number') return String(item);
  if (!isPlainObject(item) || item['target'] === undefined) return undefined;
  const host = typeof item['host_ip'] === 'string' ? item['host_ip'] : '0.0.0.0';
  const protocol = typeof item['protocol'] === 'string' ? item['protocol'] : 'tcp';
  return `${host}:${String(item['published'])}:${String(item['target'])}/${protocol}`;
}

/** Logging options merge only when both name the same driver (or one names none). */
export function sameLoggingDriver(base: unknown, over: unknown): boolean {
  if (!isPlainObject(base) || !isPlainObject(over)) return false;
  return (
    !Object.hasOwn(over, 'driver') ||
    !Object.hasOwn(base, 'driver') ||
    over['driver'] === base['driver']
  );
}

/** Rule path of a document path: names of services, networks and volumes are wildcards. */
export function rulePath(path: readonly string[]): string {
  return path.map((step, i) => (i === 1 ? '*' : step)).join('.');
}

/** Deep equality of plain YAML data, for "append without duplicates". */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => sameData(item, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((key) => Object.hasOwn(b, key) && sameData(a[key], b[key]))
    );
  }
  return false;
}
