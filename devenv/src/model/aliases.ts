import { mergeDocuments } from './merge.js';
import { isPlainObject, setOwn, type TreePath } from './tree.js';

/**
 * Compose keys that began as `x-` extensions and are still read under their old name, as
 * compose-go promotes them (loader/aliases.go): `x-develop` for a service's `develop`, and
 * `x-initialSync` for a watch rule's `initial_sync`. When both are written the extension is
 * merged under the key, so the key wins.
 */
export interface PromotedAliases {
  readonly data: Record<string, unknown>;
  /** Where a promoted value now is, and where it was written. */
  readonly renamed: readonly Renamed[];
}

export interface Renamed {
  readonly path: TreePath;
  readonly written: TreePath;
}

export function promoteAliases(document: Record<string, unknown>): PromotedAliases {
  const renamed: Renamed[] = [];
  const services = document['services'];
  if (!isPlainObject(services)) return { data: document, renamed };
  let changed = false;
  const promotedServices: Record<string, unknown> = {};
  for (const [name, service] of Object.entries(services)) {
    let promoted = service;
    if (isPlainObject(service)) {
      const at = ['services', name];
      promoted = promote(service, 'x-develop', 'develop', at, renamed);
      promoted = promoteWatchRules(promoted as Record<string, unknown>, at, renamed);
    }
    changed ||= promoted !== service;
    setOwn(promotedServices, name, promoted);
  }
  if (!changed) return { data: document, renamed };
  return { data: { ...withoutKey(document, 'services'), services: promotedServices }, renamed };
}

/** `path` in the file as written: each moved value back where it was written. */
export function writtenPath(renamed: readonly Renamed[], path: TreePath): TreePath {
  // Innermost first: a key promoted inside a promoted one was written under both old names.
  let result = path;
  for (const { path: at, written } of [...renamed].sort((a, b) => b.path.length - a.path.length))
    if (at.length <= result.length && at.every((step, i) => result[i] === step))
      result = [...written, ...result.slice(at.length)];
  return result;
}

function promoteWatchRules(
  service: Record<string, unknown>,
  at: TreePath,
  renamed: Renamed[],
): Record<string, unknown> {
  const develop = service['develop'];
  if (!isPlainObject(develop) || !Array.isArray(develop['watch'])) return service;
  const rules = develop['watch'] as unknown[];
  const promotedRules = rules.map((rule, i) =>
    isPlainObject(rule)
      ? promote(rule, 'x-initialSync', 'initial_sync', [...at, 'develop', 'watch', i], renamed)
      : rule,
  );
  if (promotedRules.every((rule, i) => rule === rules[i])) return service;
  return { ...service, develop: { ...develop, watch: promotedRules } };
}

function promote(
  owner: Record<string, unknown>,
  from: string,
  to: string,
  at: TreePath,
  renamed: Renamed[],
): Record<string, unknown> {
  if (!Object.hasOwn(owner, from)) return owner;
  const extension = owner[from];
  const current = owner[to];
  const promoted = withoutKey(owner, from);
  if (current === null || current === undefined) {
    setOwn(promoted, to, extension);
    renamed.push({ path: [...at, to], written: [...at, from] });
  } else {
    // Merged as an override of the extension, at the key's own place so its merge rules apply.
    const nest = (value: unknown) => ({ services: { service: { [to]: value } } });
    const merged = mergeDocuments([nest(extension), nest(current)]).data as ReturnType<typeof nest>;
    setOwn(promoted, to, merged.services.service[to]);
  }
  return promoted;
}

function withoutKey(owner: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(owner)) if (k !== key) setOwn(copy, k, v);
  return copy;
}

const RESOURCE_KINDS = ['volumes', 'networks', 'secrets', 'configs'] as const;

/** A resource whose old `external: {name: …}` names a different resource than its `name:`. */
export interface ExternalNameConflict {
  readonly path: TreePath;
  readonly name: string;
}

/**
 * The old `external: {name: x}` form of a volume, network, secret or config, read as compose-go
 * reads it: `external: true` and `name: x` (unless `name:` is set; a different one conflicts).
 */
export function adoptExternalNames(document: Record<string, unknown>): PromotedAliases & {
  readonly conflicts: readonly ExternalNameConflict[];
} {
  const renamed: Renamed[] = [];
  const conflicts: ExternalNameConflict[] = [];
  let data = document;
  for (const kind of RESOURCE_KINDS) {
    const resources = data[kind];
    if (!isPlainObject(resources)) continue;
    let changed = false;
    const adopted: Record<string, unknown> = {};
    for (const [key, resource] of Object.entries(resources)) {
      let value = resource;
      const external = isPlainObject(resource) ? resource['external'] : undefined;
      if (isPlainObject(resource) && isPlainObject(external)) {
        const at = [kind, key];
        const copy: Record<string, unknown> = { ...resource, external: true };
        if (Object.hasOwn(external, 'name')) {
          if (resource['name'] === undefined || resource['name'] === null) {
            copy.name = external['name'];
            renamed.push({ path: [...at, 'name'], written: [...at, 'external', 'name'] });
          } else if (resource['name'] !== external['name'])
            conflicts.push({ path: [...at, 'external', 'name'], name: String(resource['name']) });
        }
        value = copy;
        changed = true;
      }
      setOwn(adopted, key, value);
    }
    if (changed) data = { ...data, [kind]: adopted };
  }
  return { data, renamed, conflicts };
}
