import type { EdgeLocation } from './normalize.js';
import type { Problem } from './problem.js';
import type { Dependency } from './stack.js';
import { closestName } from './suggest.js';
import { setOwn } from './tree.js';

export interface GraphNode {
  readonly name: string;
  readonly dependsOn: Readonly<Record<string, Dependency>>;
  readonly edges: Readonly<Record<string, EdgeLocation>>;
}

export interface DependencyContext {
  /** Every service the files define, active or not, in file order. */
  readonly defined: readonly string[];
  /** Services disabled by profiles, with the profiles that would enable each. */
  readonly inactive: ReadonlyMap<string, readonly string[]>;
}

/**
 * Checks each active service's dependencies and returns them restricted to active services.
 * A dependency on an unknown service is a problem, and so is a required one on a
 * profile-disabled service; a `required: false` one on a disabled service is dropped, so the
 * engine never meets a name it cannot start.
 */
export function resolveDependencies(
  nodes: readonly GraphNode[],
  ctx: DependencyContext,
): { dependsOn: ReadonlyMap<string, Readonly<Record<string, Dependency>>>; problems: Problem[] } {
  const problems: Problem[] = [];
  const result = new Map<string, Readonly<Record<string, Dependency>>>();
  const defined = new Set(ctx.defined);
  for (const node of nodes) {
    const kept: Record<string, Dependency> = {};
    for (const [name, dependency] of Object.entries(node.dependsOn)) {
      const edge: EdgeLocation = node.edges[name] ?? {
        path: ['services', node.name, 'depends_on'],
        at: 'value',
      };
      const at = { path: edge.path, at: edge.at };
      const through = edge.via === undefined ? '' : ` (through ${edge.via})`;
      const profiles = ctx.inactive.get(name);
      // compose-go refuses an undefined name even with required: false (that only excuses a
      // service that is defined but disabled or fails to start).
      if (!defined.has(name)) {
        const suggestion = closestName(
          name,
          ctx.defined.filter((n) => n !== node.name),
        );
        problems.push({
          ...at,
          message: `service "${node.name}" depends on "${name}"${through}, which is not defined${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
          hint: suggestion
            ? `change it to "${suggestion}"`
            : `define a service "${name}", or remove the dependency`,
        });
      } else if (profiles) {
        if (!dependency.required) continue;
        const list = profiles.map((p) => `"${p}"`).join(' or ');
        problems.push({
          ...at,
          message: `service "${node.name}" depends on "${name}"${through}, which is disabled: it only runs with profile ${list}`,
          hint: `enable it with --profile ${profiles[0] ?? ''}, or mark the dependency required: false`,
        });
      } else {
        setOwn(kept, name, dependency);
      }
    }
    result.set(node.name, kept);
  }
  return { dependsOn: result, problems };
}

/** One problem per dependency cycle (`a → b → c → a`), positioned at the edge that closes it. */
export function findCycles(nodes: readonly GraphNode[]): Problem[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const problems: Problem[] = [];
  const inReportedCycle = new Set<string>();

  // Iterative DFS: a generated file with thousands of services must not overflow the call stack.
  for (const root of nodes) {
    if (state.has(root.name)) continue;
    const frames: { name: string; next: string[] }[] = [];
    const enter = (name: string) => {
      state.set(name, 'visiting');
      stack.push(name);
      frames.push({ name, next: Object.keys(byName.get(name)?.dependsOn ?? {}).reverse() });
    };
    enter(root.name);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      if (!frame) break;
      const target = frame.next.pop();
      if (target === undefined) {
        state.set(frame.name, 'done');
        stack.pop();
        frames.pop();
        continue;
      }
      if (!byName.has(target)) continue;
      const seen = state.get(target);
      if (seen === undefined) enter(target);
      else if (seen === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(target)), target];
        if (cycle.some((n) => !inReportedCycle.has(n))) {
          cycle.forEach((n) => inReportedCycle.add(n));
          const from = byName.get(frame.name);
          const at: EdgeLocation = from?.edges[target] ?? {
            path: ['services', frame.name],
            at: 'value',
          };
          problems.push({
            path: at.path,
            at: at.at,
            message: `dependency cycle: ${cycle.join(' → ')}`,
            hint:
              at.via === undefined
                ? `remove one of these depends_on entries, e.g. "${target}" from "${frame.name}"`
                : `remove one of these dependencies, e.g. "${target}" from the ${at.via} of "${frame.name}"`,
          });
        }
      }
    }
  }
  return problems;
}

/**
 * A stable topological order: each service after everything it depends on, and among services
 * that are ready at the same time, file order. Assumes no cycles (check with findCycles first).
 */
export function startOrder(nodes: readonly GraphNode[]): string[] {
  const placed = new Set<string>();
  const order: string[] = [];
  const names = new Set(nodes.map((n) => n.name));
  const pending = [...nodes];
  while (pending.length > 0) {
    const index = pending.findIndex((node) =>
      Object.keys(node.dependsOn).every((d) => placed.has(d) || !names.has(d)),
    );
    // A cycle would leave nothing ready; keep file order rather than loop forever.
    const [next] = pending.splice(index < 0 ? 0 : index, 1);
    if (!next) break;
    placed.add(next.name);
    order.push(next.name);
  }
  return order;
}
