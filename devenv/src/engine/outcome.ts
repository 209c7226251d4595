import type { Stack } from '../model/stack.js';
import type { EngineState } from './service-state.js';

export type StackOutcome =
  | { readonly kind: 'settling' }
  | { readonly kind: 'ready' }
  | { readonly kind: 'failed'; readonly failures: readonly { service: string; reason: string }[] };

/**
 * For `up --ci`: ready when every service is healthy or completed (optional ones may be
 * unavailable); failed as soon as a required one is unavailable, blocked or crashed.
 */
export function stackOutcome(state: EngineState, stack: Stack): StackOutcome {
  const failures: { service: string; reason: string }[] = [];
  let settling = false;
  for (const name of state.order) {
    const s = state.services[name];
    const optional = stack.services[name]?.devenv.optional ?? false;
    if (!s) continue;
    switch (s.phase) {
      case 'healthy':
      case 'completed':
        break;
      case 'unavailable':
      case 'blocked':
        if (!optional) failures.push({ service: name, reason: `${s.phase}: ${s.reason ?? ''}` });
        break;
      case 'crashed':
        if (!optional) failures.push({ service: name, reason: s.reason ?? 'crashed' });
        break;
      default:
        settling = true;
    }
  }
  if (failures.length > 0) return { kind: 'failed', failures };
  return settling ? { kind: 'settling' } : { kind: 'ready' };
}
