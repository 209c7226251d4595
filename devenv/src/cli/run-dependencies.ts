import { requestAction, type ControlClientFailure } from '../control/control-client.js';
import { DEFAULT_WAIT_MS } from '../control/protocol.js';
import { selectServices } from '../engine/select-services.js';
import type { Stack } from '../model/stack.js';
import { err, ok, type Result } from '../../shared/result.js';
import { instancesOf } from './running-stack.js';

/** What `service` needs running first, transitively, in start order (optional ones it lacks left out). */
export function dependenciesOf(stack: Stack, service: string): string[] {
  const selected = selectServices(stack, [service]);
  return selected.ok ? selected.stack.startOrder.filter((name) => name !== service) : [];
}

export type DependencyProblem =
  | { readonly reason: 'control'; readonly failure: ControlClientFailure }
  /** Dependencies the running stack has but could not make ready, with why. */
  | { readonly reason: 'not-ready'; readonly lines: readonly string[] }
  /** Dependencies the running stack does not have (left out by a profile or `devenv up SERVICE`). */
  | { readonly reason: 'absent'; readonly missing: readonly string[] };

/**
 * Asks the running devenv to start the dependencies (every replica of each) and waits until they
 * are ready, or completed for one-shot tasks: already running ones are left as they are.
 */
export async function startDependencies(
  socket: string,
  running: readonly string[],
  dependencies: readonly string[],
): Promise<Result<void, DependencyProblem>> {
  const missing = dependencies.filter((name) => instancesOf(running, name).length === 0);
  if (missing.length > 0) return err({ reason: 'absent', missing });
  const services = dependencies.flatMap((name) => instancesOf(running, name));
  if (services.length === 0) return ok(undefined);
  const answer = await requestAction(
    socket,
    { action: 'start', services, wait: true, timeoutMs: DEFAULT_WAIT_MS },
    DEFAULT_WAIT_MS + 120_000,
  );
  if (!answer.ok) return err({ reason: 'control', failure: answer.error });
  const failed = Object.entries(answer.value.results).filter(([, result]) => !result.ok);
  if (failed.length === 0) return ok(undefined);
  return err({
    reason: 'not-ready',
    lines: failed.map(([name, result]) => `${name}: ${result.message}`),
  });
}
