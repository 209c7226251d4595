import type { ServiceSpec, Stack } from '../model/stack.js';

export type Selection = { ok: true; stack: Stack } | { ok: false; unknown: string[] };

/**
 * The named services and everything they depend on, transitively; all services when none are
 * named. `dependencies: false` is Compose's `--no-deps`: the named services alone, their
 * dependencies taken to run elsewhere (no wait on them).
 */
export function selectServices(
  stack: Stack,
  names: readonly string[],
  options: { readonly dependencies: boolean } = { dependencies: true },
): Selection {
  if (names.length === 0) return { ok: true, stack };
  const unknown = names.filter((n) => stack.services[n] === undefined);
  if (unknown.length > 0) return { ok: false, unknown };
  const keep = new Set<string>();
  const visit = (name: string) => {
    if (keep.has(name) || !stack.services[name]) return;
    keep.add(name);
    if (!options.dependencies) return;
    for (const dep of Object.keys(stack.services[name].dependsOn)) visit(dep);
  };
  names.forEach(visit);
  const kept = Object.entries(stack.services).filter(([n]) => keep.has(n));
  return {
    ok: true,
    stack: {
      ...stack,
      services: Object.fromEntries(
        options.dependencies ? kept : kept.map(([n, spec]) => [n, withinSelection(spec, keep)]),
      ),
      startOrder: stack.startOrder.filter((n) => keep.has(n)),
    },
  };
}

function withinSelection(spec: ServiceSpec, keep: ReadonlySet<string>): ServiceSpec {
  const dependsOn = Object.fromEntries(
    Object.entries(spec.dependsOn).filter(([dep]) => keep.has(dep)),
  );
  return { ...spec, dependsOn };
}
