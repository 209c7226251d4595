import type { Clock } from '../src/engine/clock.js';

/**
 * A test double for the supervisor's Clock: time stands still until the test calls `advance`,
 * which runs the timers that fall due, in order, each at its own time.
 */
export interface FakeClock extends Clock {
  /** Moves time on by `ms`, running due timers in order and letting their effects settle. */
  advance(ms: number): Promise<void>;
  /** Lets every promise chain started so far run to completion without moving time. */
  settle(): Promise<void>;
  /** Timers scheduled and not yet run or cleared, soonest first. */
  pending(): readonly { readonly dueAt: number }[];
}

interface Timer {
  readonly id: number;
  readonly dueAt: number;
  readonly callback: () => void;
}

/** Starts at `start` ms (a round number far from 0, so times in failures read easily). */
export function fakeClock(start = 1_000_000): FakeClock {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, Timer>();
  const byDueTime = () => [...timers.values()].sort((a, b) => a.dueAt - b.dueAt || a.id - b.id);
  // The doubles around it resolve promises, never real I/O: one macrotask turn drains them all.
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

  return {
    now: () => now,
    setTimeout: (callback, ms) => {
      const id = nextId++;
      timers.set(id, { id, dueAt: now + Math.max(0, ms), callback });
      return { id, unref: () => undefined };
    },
    clearTimeout: (handle) => {
      if (typeof handle === 'object' && handle !== null && 'id' in handle)
        timers.delete(handle.id as number);
    },
    settle,
    pending: () => byDueTime().map(({ dueAt }) => ({ dueAt })),
    advance: async (ms) => {
      const until = now + ms;
      await settle();
      for (;;) {
        const due = byDueTime()[0];
        if (!due || due.dueAt > until) break;
        timers.delete(due.id);
        now = due.dueAt;
        due.callback();
        await settle();
      }
      now = until;
      await settle();
    },
  };
}
