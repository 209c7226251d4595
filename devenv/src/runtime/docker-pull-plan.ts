import type { Stack } from '../model/stack.js';

/** `devenv pull`'s choices, as `docker compose pull` takes them. */
export interface PullSelection {
  /** Services named on the command line (empty: all). */
  readonly services: readonly string[];
  /** `--include-deps`: what the named services depend on too. */
  readonly includeDeps: boolean;
  /** `--ignore-buildable`: leave out the services that have `build:`. */
  readonly ignoreBuildable: boolean;
}

/** One image to pull, for the services (in start order) that run it. */
export interface PullTarget {
  readonly image: string;
  readonly services: readonly string[];
  /** Every service running it can be built: a failed pull is only a warning, as in Compose. */
  readonly buildable: boolean;
}

export interface PullPlan {
  readonly targets: readonly PullTarget[];
  /** Services left out, and why (no image:, pull_policy never/build, --ignore-buildable). */
  readonly skipped: readonly { readonly service: string; readonly why: string }[];
  /** Names given that are not services of the stack. */
  readonly unknown: readonly string[];
}

/**
 * The images `devenv pull` pulls: those of the selected services that have `image:`, each once
 * (replicas share theirs), except where the service says never to pull (pull_policy never/build).
 */
export function pullPlan(stack: Stack, selection: PullSelection): PullPlan {
  const serviceOf = (name: string) => stack.services[name]?.replicaOf?.service ?? name;
  const known = new Set(Object.keys(stack.services).map(serviceOf));
  const unknown = selection.services.filter((name) => !known.has(name));
  const wanted = selected(stack, selection, serviceOf);
  const targets = new Map<string, { services: string[]; buildable: boolean }>();
  const skipped: { service: string; why: string }[] = [];
  const seen = new Set<string>();
  for (const name of stack.startOrder) {
    const service = serviceOf(name);
    const spec = stack.services[name];
    if (!spec || !wanted.has(service) || seen.has(service)) continue;
    seen.add(service);
    const why = skipReason(spec, selection.ignoreBuildable);
    if (why !== undefined || spec.image === undefined) {
      skipped.push({ service, why: why ?? 'no image:' });
      continue;
    }
    const target = targets.get(spec.image) ?? { services: [], buildable: true };
    target.services.push(service);
    target.buildable &&= spec.build !== undefined;
    targets.set(spec.image, target);
  }
  return {
    targets: [...targets].map(([image, target]) => ({ image, ...target })),
    skipped,
    unknown,
  };
}

function skipReason(spec: Stack['services'][string], ignoreBuildable: boolean): string | undefined {
  if (spec.image === undefined) return 'no image: (built from build:)';
  if (ignoreBuildable && spec.build !== undefined) return 'buildable (--ignore-buildable)';
  const policy = spec.container?.pullPolicy?.kind;
  if (policy === 'never') return 'pull_policy: never';
  if (policy === 'build') return 'pull_policy: build';
  return undefined;
}

/** The selected services (by service name), with their dependencies under --include-deps. */
function selected(
  stack: Stack,
  selection: PullSelection,
  serviceOf: (name: string) => string,
): Set<string> {
  if (selection.services.length === 0) return new Set(Object.keys(stack.services).map(serviceOf));
  const wanted = new Set(selection.services);
  if (!selection.includeDeps) return wanted;
  const pending = [...wanted];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    const spec =
      stack.services[name] ?? Object.values(stack.services).find((s) => serviceOf(s.name) === name);
    for (const dependency of Object.keys(spec?.dependsOn ?? {}))
      if (!wanted.has(dependency)) {
        wanted.add(dependency);
        pending.push(dependency);
      }
  }
  return wanted;
}
