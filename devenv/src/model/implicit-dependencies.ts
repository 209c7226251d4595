import type { ServiceInput } from './schema.js';
import type { Dependency } from './stack.js';
import { setOwn, type TreePath } from './tree.js';

/** Where a dependency is written, and through which key (`depends_on`, `links`, `network_mode` …). */
export interface EdgeLocation {
  readonly path: TreePath;
  readonly at: 'key' | 'value';
  /** The key that makes it a dependency; absent: `depends_on`. */
  readonly via?: string;
}

export interface ImplicitDependency {
  readonly name: string;
  readonly dependency: Dependency;
  readonly at: EdgeLocation;
}

const SERVICE_PREFIX = 'service:';
const CONTAINER_PREFIX = 'container:';
/**
 * The namespace keys whose `service:x` joins x's namespace, in compose-go's order (which also
 * lists `cgroup`, whose schema allows only host or private).
 */
const NAMESPACE_KEYS = ['network_mode', 'ipc', 'pid', 'uts'] as const;

/**
 * Dependencies Compose adds without `depends_on` (compose-go loader/normalize.go): a service
 * named by `links`, or by `service:x` in network_mode, ipc, pid or uts, must be started
 * first and restarts this one when it restarts; one named by `volumes_from` must be started
 * first. In that order; an explicit `depends_on` entry for the same service wins.
 */
export function implicitDependencies(input: ServiceInput, base: TreePath): ImplicitDependency[] {
  const out: ImplicitDependency[] = [];
  const started = (restart: boolean): Dependency => ({
    condition: 'service_started',
    required: true,
    restart,
  });
  (input.links ?? []).forEach((link, i) => {
    const parts = link.split(':');
    const name = parts.length === 2 ? (parts[0] ?? link) : link;
    out.push({
      name,
      dependency: started(true),
      at: { path: [...base, 'links', i], at: 'value', via: 'links' },
    });
  });
  for (const key of NAMESPACE_KEYS) {
    const value = input[key];
    if (typeof value !== 'string' || !value.startsWith(SERVICE_PREFIX)) continue;
    out.push({
      name: value.slice(SERVICE_PREFIX.length),
      dependency: started(true),
      at: { path: [...base, key], at: 'value', via: key },
    });
  }
  (input.volumes_from ?? []).forEach((source, i) => {
    if (source.startsWith(CONTAINER_PREFIX)) return;
    out.push({
      name: source.split(':')[0] ?? source,
      dependency: started(false),
      at: { path: [...base, 'volumes_from', i], at: 'value', via: 'volumes_from' },
    });
  });
  return out;
}

/** A service's dependencies: `depends_on` in either form, then the implicit ones it does not name. */
export function serviceDependencies(
  input: ServiceInput,
  base: TreePath,
): { dependsOn: Record<string, Dependency>; edges: Record<string, EdgeLocation> } {
  const dependsOn: Record<string, Dependency> = {};
  const edges: Record<string, EdgeLocation> = {};
  const declared = input.depends_on;
  if (Array.isArray(declared)) {
    declared.forEach((dependency, i) => {
      setOwn(dependsOn, dependency, {
        condition: 'service_started',
        required: true,
        restart: false,
      });
      setOwn(edges, dependency, { path: [...base, 'depends_on', i], at: 'value' });
    });
  } else if (declared) {
    for (const [dependency, options] of Object.entries(declared)) {
      setOwn(dependsOn, dependency, {
        condition: options?.condition ?? 'service_started',
        required: options?.required ?? true,
        restart: options?.restart ?? false,
      });
      setOwn(edges, dependency, { path: [...base, 'depends_on', dependency], at: 'key' });
    }
  }
  for (const implicit of implicitDependencies(input, base)) {
    if (Object.hasOwn(dependsOn, implicit.name)) continue;
    setOwn(dependsOn, implicit.name, implicit.dependency);
    setOwn(edges, implicit.name, implicit.at);
  }
  return { dependsOn, edges };
}
