import { isPlainObject, setOwn, type TreePath } from './tree.js';

/**
 * Where a merged value came from: a file (index into the list of files) and the path inside it.
 * A value merged from several files has `children`; any path below a node without children lies
 * in that node's file at the same relative path.
 */
export interface Origin {
  readonly file: number;
  readonly path: TreePath;
  readonly children?: ReadonlyMap<string | number, Origin>;
}

/** File index and in-file path of `path` in the merged document. */
export function locate(origin: Origin, path: TreePath): { file: number; path: TreePath } {
  let node = origin;
  let i = 0;
  for (; i < path.length; i++) {
    const child = node.children?.get(path[i] as string | number);
    if (!child) break;
    node = child;
  }
  return { file: node.file, path: [...node.path, ...path.slice(i)] };
}

interface Tagged {
  readonly value: unknown;
  readonly origin: Origin;
}

/**
 * Merges Compose files as `docker compose -f a -f b` does (the Compose Specification's merge
 * rules), later files overriding earlier ones:
 * - mappings merge recursively; scalars and mismatched types are replaced;
 * - sequences append, except `command`, `entrypoint`, `healthcheck.test` and every sequence under
 *   `x-devenv` (argv lists), which are replaced;
 * - `environment`, `labels`, `annotations`, `sysctls`, `build.args` merge by key, list and
 *   mapping forms alike; `depends_on` merges by service name;
 * - `ports`, `expose`, `dns`, `env_file`… append without duplicates; `volumes` merge by target.
 * Simplified: a `null` in an override keeps the earlier value, and the `!reset` / `!override`
 * tags are not supported (YAML reads them as plain values).
 */
export function mergeDocuments(documents: readonly unknown[]): { data: unknown; origin: Origin } {
  let merged: Tagged = { value: documents[0], origin: { file: 0, path: [] } };
  for (let i = 1; i < documents.length; i++)
    merged = mergeValue(merged, { value: documents[i], origin: { file: i, path: [] } }, []);
  return { data: merged.value, origin: merged.origin };
}

const REPLACED = new Set([
  'services.*.command',
  'services.*.entrypoint',
  'services.*.healthcheck.test',
]);
const BY_KEY = new Set([
  'services.*.environment',
  'services.*.labels',
  'services.*.annotations',
  'services.*.sysctls',
  'services.*.build.args',
  'services.*.build.labels',
  'services.*.deploy.labels',
  'services.*.x-devenv.native.environment',
  'networks.*.labels',
  'volumes.*.labels',
]);
const UNIQUE = new Set([
  'services.*.ports',
  'services.*.expose',
  'services.*.dns',
  'services.*.dns_search',
  'services.*.tmpfs',
  'services.*.env_file',
  'services.*.extra_hosts',
  'services.*.profiles',
]);

function rulePath(path: readonly string[]): string {
  // Names of services, networks and volumes are wildcards in the rules.
  return path.map((step, i) => (i === 1 ? '*' : step)).join('.');
}

function mergeValue(base: Tagged, over: Tagged, path: readonly string[]): Tagged {
  if (over.value === null || over.value === undefined) return base;
  if (base.value === null || base.value === undefined) return over;
  const rule = rulePath(path);
  if (
    REPLACED.has(rule) ||
    (path[0] === 'services' && path[2] === 'x-devenv' && Array.isArray(over.value))
  )
    return over;
  if (BY_KEY.has(rule)) {
    const a = asKeyed(base);
    const b = asKeyed(over);
    if (a && b) return mergeMaps(a, b, path);
    return over;
  }
  if (rule === 'services.*.depends_on') {
    const a = asDependencies(base);
    const b = asDependencies(over);
    if (a && b) return mergeMaps(a, b, path);
    return over;
  }
  if (isPlainObject(base.value) && isPlainObject(over.value)) return mergeMaps(base, over, path);
  if (Array.isArray(base.value) && Array.isArray(over.value)) {
    if (rule === 'services.*.volumes') return mergeByTarget(base, over);
    return appendSequences(base, over, UNIQUE.has(rule));
  }
  return over;
}

function child(origin: Origin, key: string | number): Origin {
  return origin.children?.get(key) ?? { file: origin.file, path: [...origin.path, key] };
}

function mergeMaps(base: Tagged, over: Tagged, path: readonly string[]): Tagged {
  const a = base.value as Record<string, unknown>;
  const b = over.value as Record<string, unknown>;
  const value: Record<string, unknown> = {};
  const children = new Map<string | number, Origin>();
  for (const key of Object.keys(a)) {
    const mine: Tagged = { value: a[key], origin: child(base.origin, key) };
    const merged = Object.hasOwn(b, key)
      ? mergeValue(mine, { value: b[key], origin: child(over.origin, key) }, [...path, key])
      : mine;
    setOwn(value, key, merged.value);
    children.set(key, merged.origin);
  }
  for (const key of Object.keys(b)) {
    if (Object.hasOwn(a, key)) continue;
    setOwn(value, key, b[key]);
    children.set(key, child(over.origin, key));
  }
  return { value, origin: { ...over.origin, children } };
}

function appendSequences(base: Tagged, over: Tagged, unique: boolean): Tagged {
  const items: Tagged[] = [];
  const seen = new Set<string>();
  for (const source of [base, over])
    (source.value as unknown[]).forEach((item: unknown, i) => {
      const identity = unique ? JSON.stringify(item) : undefined;
      if (identity !== undefined) {
        if (seen.has(identity)) return;
        seen.add(identity);
      }
      items.push({ value: item, origin: child(source.origin, i) });
    });
  return sequence(items, over.origin);
}

/** Volumes with the same container path: the override's mount replaces the earlier one. */
function mergeByTarget(base: Tagged, over: Tagged): Tagged {
  const byTarget = new Map<string, Tagged>();
  const rest: Tagged[] = [];
  for (const source of [base, over])
    (source.value as unknown[]).forEach((item: unknown, i) => {
      const tagged = { value: item, origin: child(source.origin, i) };
      const target = mountTarget(item);
      if (target === undefined) rest.push(tagged);
      // Map.set on an existing target keeps the earlier mount's place in the list.
      else byTarget.set(target, tagged);
    });
  return sequence([...byTarget.values(), ...rest], over.origin);
}

function mountTarget(item: unknown): string | undefined {
  if (typeof item === 'string') {
    const parts = item.split(':');
    return parts.length === 1 ? parts[0] : parts[1];
  }
  if (isPlainObject(item) && typeof item['target'] === 'string') return item['target'];
  return undefined;
}

function sequence(items: readonly Tagged[], origin: Origin): Tagged {
  return {
    value: items.map((t) => t.value),
    origin: { ...origin, children: new Map(items.map((t, i) => [i, t.origin])) },
  };
}

/** `KEY=VAL` / `KEY` list items or a mapping, as a mapping; undefined when neither (a type error). */
function asKeyed(tagged: Tagged): Tagged | undefined {
  if (isPlainObject(tagged.value)) return tagged;
  if (!Array.isArray(tagged.value)) return undefined;
  const value: Record<string, unknown> = {};
  const children = new Map<string | number, Origin>();
  for (const [i, item] of (tagged.value as unknown[]).entries()) {
    if (typeof item !== 'string') return undefined;
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    setOwn(value, key, eq < 0 ? null : item.slice(eq + 1));
    children.set(key, child(tagged.origin, i));
  }
  return { value, origin: { ...tagged.origin, children } };
}

/** `depends_on` list form as the mapping form Compose converts it to. */
function asDependencies(tagged: Tagged): Tagged | undefined {
  if (isPlainObject(tagged.value)) return tagged;
  if (!Array.isArray(tagged.value)) return undefined;
  const value: Record<string, unknown> = {};
  const children = new Map<string | number, Origin>();
  for (const [i, item] of (tagged.value as unknown[]).entries()) {
    if (typeof item !== 'string') return undefined;
    setOwn(value, item, { condition: 'service_started', required: true });
    children.set(item, child(tagged.origin, i));
  }
  return { value, origin: { ...tagged.origin, children } };
}
