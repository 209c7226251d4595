import { isRunning, type EngineState, type ServiceState } from '../engine/service-state.js';
import type { ServiceExit, WaitAnswer } from './wait-protocol.js';

/**
 * Waits until the run of each instance in `order` has ended, as `docker compose wait` waits for
 * its containers: a service that is not running answers at once with how its last run ended; a
 * running one once it exits, whatever follows (its restart policy may bring it back). No time
 * limit: shutdown ends every run.
 */
export function waitForExits(
  store: {
    getState(): EngineState;
    subscribe(listener: (state: EngineState) => void): () => void;
  },
  order: readonly string[],
): Promise<WaitAnswer> {
  const before = store.getState();
  const results = new Map<string, ServiceExit>();
  const check = (state: EngineState): boolean => {
    for (const name of order) {
      if (results.has(name)) continue;
      const now = state.services[name];
      const was = before.services[name];
      // Scaled away meanwhile: its run has ended, though how is no longer known.
      if (!now) results.set(name, { code: null, signal: null, phase: 'stopped', at: null });
      else if (!isRunning(now.phase) || now.lastExit !== was?.lastExit)
        results.set(name, exitOf(now));
    }
    return results.size === order.length;
  };
  const answer = (): WaitAnswer => ({
    results: Object.fromEntries(order.map((name) => [name, results.get(name)!])),
  });
  if (check(before)) return Promise.resolve(answer());
  return new Promise((resolve) => {
    const unsubscribe = store.subscribe((state) => {
      if (!check(state)) return;
      unsubscribe();
      resolve(answer());
    });
  });
}

function exitOf(s: ServiceState): ServiceExit {
  return {
    code: s.lastExit?.code ?? null,
    signal: s.lastExit?.signal ?? null,
    phase: s.phase,
    at: s.lastExit?.at ?? null,
  };
}
