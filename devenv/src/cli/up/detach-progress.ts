import { stackOutcome } from '../../engine/outcome.js';
import type { EngineState, ServicePhase } from '../../engine/service-state.js';
import type { Stack } from '../../model/stack.js';

/**
 * What `devenv up -d` waits for, as `docker compose up -d` and `up --wait` do: every service
 * started (which includes its dependencies' conditions: a service waiting on a healthy database
 * is not started yet), or every service ready.
 */
export type DetachTarget = 'started' | 'ready';

export type DetachProgress =
  | { readonly kind: 'waiting' }
  | { readonly kind: 'done' }
  | {
      readonly kind: 'failed';
      readonly failures: readonly { readonly service: string; readonly reason: string }[];
    };

/** Phases a service has been started in, or has finished from (as a one-shot task). */
const STARTED: ReadonlySet<ServicePhase> = new Set<ServicePhase>([
  'starting',
  'healthy',
  'unhealthy',
  'completed',
]);

/**
 * How far the background devenv has brought the stack. A failure that would fail `up --ci`
 * fails both targets: a required service unavailable, blocked or crashed for good.
 */
export function detachProgress(
  state: EngineState,
  stack: Stack,
  target: DetachTarget,
): DetachProgress {
  const outcome = stackOutcome(state, stack);
  if (outcome.kind === 'failed') return outcome;
  if (target === 'ready') return outcome.kind === 'ready' ? { kind: 'done' } : { kind: 'waiting' };
  const started = state.order.every((name) => {
    const service = state.services[name];
    return service === undefined || STARTED.has(service.phase);
  });
  return started ? { kind: 'done' } : { kind: 'waiting' };
}

/** One line per service, as Compose prints them: `temporal  Healthy`. */
export function describeDetached(state: EngineState): string[] {
  const width = Math.max(0, ...state.order.map((name) => name.length));
  return state.order.flatMap((name) => {
    const service = state.services[name];
    if (service === undefined) return [];
    return [`${name.padEnd(width)}  ${PHASE_WORDS[service.phase]}`];
  });
}

const PHASE_WORDS: Readonly<Record<ServicePhase, string>> = {
  pending: 'Waiting',
  starting: 'Started',
  healthy: 'Healthy',
  unhealthy: 'Unhealthy',
  stopping: 'Stopping',
  stopped: 'Stopped',
  completed: 'Exited (0)',
  crashed: 'Crashed',
  unavailable: 'Unavailable',
  blocked: 'Blocked',
};
