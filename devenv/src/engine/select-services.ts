import type { Stack } from '../model/stack.js';

export type Selection = { ok: true; stack: Stack } | { ok: false; unknown: string[] };

/** The named services and everything they depend on, transitively; all services when none are named. */
export function selectServices(stack: Stack, names: readonly string[]): Selection {
  if (names.length === 0) return { ok: true, stack };
  const unknown = names.filter((n) => stack.services[n] === undefined);
  if (unknown.length > 0) return { ok: false, unknown };
  const keep = new Set<string>();
  const visit = (name: string) => {
    if (keep.has(name) || !stack.services[name]) return;
    keep.add(name);
    for (const dep of Object.keys(stack.services[name].dependsOn)) visit(dep);
  };
  names.forEach(visit);
  return {
    ok: true,
    stack: {
      ...stack,
      services: Object.fromEntries(Object.entries(stack.services).filter(([n]) => keep.has(n))),
      startOrder: stack.startOrder.filter((n) => keep.has(n)),
    },
  };
}
