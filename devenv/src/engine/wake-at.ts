import type { Clock } from './clock.js';

interface Wakeup {
  readonly timer: unknown;
  readonly wakes: Set<() => void>;
}

const wakeupsByClock = new WeakMap<Clock, Map<number, Wakeup>>();

/**
 * Calls `wake` at the clock's time `at`; what it returns cancels that. Everything due at the same
 * instant shares one timer, so it runs in one turn of the event loop: the probes of services with
 * the same period (health-policy.ts puts them on the period's beats) wake devenv once, not once
 * each.
 */
export function wakeAt(clock: Clock, at: number, wake: () => void): () => void {
  let wakeups = wakeupsByClock.get(clock);
  if (wakeups === undefined) {
    wakeups = new Map();
    wakeupsByClock.set(clock, wakeups);
  }
  const due = wakeups;
  let wakeup = due.get(at);
  if (wakeup === undefined) {
    const wakes = new Set<() => void>();
    const timer = clock.setTimeout(
      () => {
        due.delete(at);
        for (const each of wakes) each();
      },
      Math.max(0, at - clock.now()),
    );
    wakeup = { timer, wakes };
    due.set(at, wakeup);
  }
  const shared = wakeup;
  shared.wakes.add(wake);
  return () => {
    shared.wakes.delete(wake);
    if (shared.wakes.size > 0 || due.get(at) !== shared) return;
    clock.clearTimeout(shared.timer);
    due.delete(at);
  };
}
