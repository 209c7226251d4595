import { err, ok, type Result } from '../../shared/result.js';
import { findPortConflicts } from './port-conflicts.js';
import { replicaPortProblems } from './replica-count.js';
import type { PortMapping, ServiceSpec, Stack } from './stack.js';

/** Every replica's environment has its number (1…N), as the instances' names do. */
export const REPLICA_VAR = 'DEVENV_REPLICA';

/**
 * How a service's instances are named: one replica keeps the service's name (`plain-first`, its
 * further replicas, added by `devenv scale`, are SERVICE-2…); several are SERVICE-1…N (`numbered`).
 */
export type Naming = 'plain-first' | 'numbered';

export function instanceNames(service: string, count: number, naming: Naming): string[] {
  return Array.from({ length: count }, (_, i) =>
    i === 0 && naming === 'plain-first' ? service : `${service}-${i + 1}`,
  );
}

/** The stack as run: the model's stack with its services expanded into their instances. */
export interface RunStack extends Stack {
  /** The stack as the file declares it (one entry per service), to expand again on `scale`. */
  readonly declared: Stack;
  /** Instances per declared service, in the declared start order. */
  readonly instances: Readonly<Record<string, readonly string[]>>;
}

/**
 * Each service as `scale` / `deploy.replicas` (or `counts`, from `--scale`) says: N instances
 * with their own name, DEVENV_REPLICA, host ports (the i-th of each range) and probe and hot
 * reload URLs (docs/compose-reference.md, "Replicas"); a dependency on a service is one on
 * each of its instances. Errors name the service and the port that cannot be shared.
 */
export function expandReplicas(
  declared: Stack,
  counts: Readonly<Record<string, number>> = {},
  namingOf: (service: string, count: number) => Naming = (_, count) =>
    count === 1 ? 'plain-first' : 'numbered',
): Result<RunStack, string[]> {
  const problems: string[] = [];
  const unknown = Object.keys(counts).filter((name) => !declared.services[name]);
  if (unknown.length > 0) return err(unknown.map((name) => `no service named "${name}" to scale`));
  const instances: Record<string, string[]> = {};
  for (const name of declared.startOrder) {
    const spec = declared.services[name];
    if (!spec) continue;
    const count = counts[name] ?? spec.replicas ?? 1;
    for (const port of replicaPortProblems(name, spec.ports, count))
      problems.push(`${port.message}\n  ${port.hint}`);
    instances[name] = instanceNames(name, count, namingOf(name, count));
  }
  if (problems.length > 0) return err(problems);
  const services: Record<string, ServiceSpec> = {};
  for (const name of declared.startOrder) {
    const spec = declared.services[name];
    if (!spec) continue;
    const dependsOn = Object.fromEntries(
      Object.entries(spec.dependsOn).flatMap(([dep, how]) =>
        (instances[dep] ?? [dep]).map((instance) => [instance, how] as const),
      ),
    );
    const names = instances[name] ?? [];
    names.forEach((instance, i) => {
      const replicated = names.length > 1 || instance !== name;
      services[instance] = replicated
        ? instanceSpec({ ...spec, dependsOn }, instance, i + 1)
        : { ...spec, dependsOn };
    });
  }
  // A replica's port of a range may be another service's port (7082 of 7081-7085, say).
  const clashes = findPortConflicts(
    Object.values(services).map((spec) => ({ name: spec.name, ports: spec.ports, portPaths: [] })),
  );
  if (clashes.length > 0) return err(clashes.map((clash) => `${clash.message}\n  ${clash.hint}`));
  return ok({
    ...declared,
    services,
    startOrder: declared.startOrder.flatMap((name) => instances[name] ?? []),
    declared,
    instances,
  });
}

/** The stack with one service at `count` replicas; the others and their names as they are. */
export function rescale(
  current: RunStack,
  service: string,
  count: number,
): Result<RunStack, string[]> {
  const counts = Object.fromEntries(
    Object.entries(current.instances).map(([name, names]) => [name, names.length]),
  );
  counts[service] = count;
  return expandReplicas(current.declared, counts, (name, n) => {
    const names = current.instances[name] ?? [];
    if (names.length === 0) return n === 1 ? 'plain-first' : 'numbered';
    return names[0] === name ? 'plain-first' : 'numbered';
  });
}

/** Replica `index` of a service: its own name, number, host ports and the URLs that name them. */
function instanceSpec(spec: ServiceSpec, name: string, index: number): ServiceSpec {
  const moved = new Map<number, number>();
  const ports = spec.ports.map((port): PortMapping => {
    if (port.host === undefined || port.hostEnd === undefined) return port;
    moved.set(port.host, port.host + index - 1);
    return {
      host: port.host + index - 1,
      container: port.container,
      hostIp: port.hostIp,
      protocol: port.protocol,
    };
  });
  const { native, probe, hotReload } = spec.devenv;
  return {
    ...spec,
    name,
    replicaOf: { service: spec.replicaOf?.service ?? spec.name, index },
    environment: { ...spec.environment, [REPLICA_VAR]: String(index) },
    ports,
    devenv: {
      ...spec.devenv,
      native: native && {
        ...native,
        environment: {
          ...native.environment,
          ...movedPortValues({ ...spec.environment, ...native.environment }, moved),
        },
      },
      probe: probe && { ...probe, check: withMovedPorts(probe.check, moved) },
      hotReload: hotReload && { ...hotReload, url: withMovedPorts(hotReload.url, moved) },
    },
  };
}

/**
 * Natively every replica listens on the host: a variable whose value is a range's first port
 * (`HEALTH_PORT: '7081'`) gets the replica's port of that range. Containers keep theirs.
 */
function movedPortValues(
  environment: Readonly<Record<string, string>>,
  moved: ReadonlyMap<number, number>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(environment)) {
    const to = /^\d+$/.test(value) ? moved.get(Number(value)) : undefined;
    if (to !== undefined) out[key] = String(to);
  }
  return out;
}

/** A probe or URL naming a range's first port (`:7081`, or `port: 7081`) names the replica's. */
function withMovedPorts<T>(value: T, moved: ReadonlyMap<number, number>): T {
  if (moved.size === 0) return value;
  if (typeof value === 'string')
    return value.replace(/:(\d+)(?!\d)/g, (text, port: string) => {
      const to = moved.get(Number(port));
      return to === undefined ? text : `:${to}`;
    }) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => withMovedPorts(item, moved)) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        key === 'port' && typeof item === 'number'
          ? (moved.get(item) ?? item)
          : withMovedPorts(item, moved),
      ]),
    ) as T;
  return value;
}

/**
 * The same instances from a changed declaration (e.g. with the session's secret in every
 * service's environment), so that replicas added later by `devenv scale` have it too.
 */
export function redeclare(current: RunStack, declared: Stack): Result<RunStack, string[]> {
  return expandReplicas(
    declared,
    Object.fromEntries(
      Object.entries(current.instances).map(([name, names]) => [name, names.length]),
    ),
    (name) => (current.instances[name]?.[0] === name ? 'plain-first' : 'numbered'),
  );
}

export function isRunStack(stack: Stack): stack is RunStack {
  return 'declared' in stack && 'instances' in stack;
}
