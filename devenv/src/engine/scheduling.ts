import type { Dependency, Stack } from '../model/stack.js';
import type { EngineState, ServiceState } from './service-state.js';

export type Decision =
  | { readonly kind: 'start'; readonly service: string }
  | { readonly kind: 'block'; readonly service: string; readonly reason: string };

/**
 * Pure: which pending services can start now (every dependency's condition holds) and which can
 * never start (a required dependency is unavailable, blocked or finished badly).
 */
export function decide(state: EngineState, stack: Stack): Decision[] {
  if (state.shuttingDown) return [];
  const decisions: Decision[] = [];
  for (const name of state.order) {
    const service = state.services[name];
    const spec = stack.services[name];
    if (
      !service ||
      !spec ||
      (service.phase !== 'pending' && service.phase !== 'blocked') ||
      service.userStopped
    )
      continue;
    let ready = true;
    let blockedBy: string | undefined;
    for (const [depName, dep] of Object.entries(spec.dependsOn)) {
      const verdict = dependencyVerdict(
        state.services[depName],
        dep,
        stack.services[depName]?.devenv.optional ?? false,
      );
      if (verdict === 'wait') ready = false;
      else if (verdict !== 'met') {
        blockedBy = `needs ${depName}, which ${verdict}`;
        break;
      }
    }
    if (blockedBy !== undefined) {
      if (service.phase !== 'blocked' || service.reason !== blockedBy)
        decisions.push({ kind: 'block', service: name, reason: blockedBy });
    } else if (ready) {
      decisions.push({ kind: 'start', service: name });
    }
  }
  return decisions;
}

/** 'met', 'wait', or why it will never be met. */
function dependencyVerdict(
  dep: ServiceState | undefined,
  how: Dependency,
  optional: boolean,
): 'met' | 'wait' | string {
  // Not in the stack (a profile is off) or allowed to be missing: nothing to wait for.
  if (!dep) return 'met';
  const forgiving = optional || !how.required;
  switch (dep.phase) {
    case 'unavailable':
      return forgiving ? 'met' : `is unavailable (${dep.reason ?? 'no reason given'})`;
    case 'blocked':
      return forgiving ? 'met' : 'is blocked';
    case 'completed':
      return 'met';
    case 'crashed':
      if (how.condition === 'service_completed_successfully')
        return forgiving ? 'met' : `did not complete (${dep.reason ?? 'failed'})`;
      return dep.nextStartAt === undefined && !forgiving
        ? `crashed and will not restart (${dep.reason ?? 'failed'})`
        : 'wait';
    case 'stopped':
    case 'stopping':
      return dep.userStopped && forgiving ? 'met' : 'wait';
    case 'pending':
      return 'wait';
    case 'starting':
      return how.condition === 'service_started' ? 'met' : 'wait';
    case 'healthy':
    case 'unhealthy':
      if (how.condition === 'service_completed_successfully') return 'wait';
      // Compose's service_healthy: healthy once is enough; a later unhealthy spell does not stop dependants.
      return how.condition === 'service_started' || dep.readyAt !== undefined ? 'met' : 'wait';
  }
}
