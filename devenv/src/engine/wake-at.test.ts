import { describe, expect, it } from 'vitest';
import type { Clock } from './clock.js';
import { wakeAt } from './wake-at.js';

/** A clock whose timers run when the test moves its time (a test double for time itself). */
function manualClock() {
  let now = 0;
  const timers = new Map<number, { at: number; run: () => void }>();
  let nextId = 1;
  const clock: Clock = {
    now: () => now,
    setTimeout: (run, ms) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, run });
      return { id } as { unref?: () => unknown };
    },
    clearTimeout: (handle) => timers.delete((handle as { id: number }).id),
  };
  const advanceTo = (to: number) => {
    now = to;
    for (const [id, timer] of [...timers].filter(([, t]) => t.at <= to)) {
      timers.delete(id);
      timer.run();
    }
  };
  return { clock, timers, advanceTo };
}

describe('wakeAt', () => {
  it('wakes everything due at the same instant from one timer', () => {
    const { clock, timers, advanceTo } = manualClock();
    const woken: string[] = [];
    wakeAt(clock, 5_000, () => woken.push('a'));
    advanceTo(1_200);
    wakeAt(clock, 5_000, () => woken.push('b'));
    wakeAt(clock, 6_000, () => woken.push('c'));
    expect(timers.size).toBe(2);
    advanceTo(4_999);
    expect(woken).toEqual([]);
    advanceTo(5_000);
    expect(woken).toEqual(['a', 'b']);
    advanceTo(6_000);
    expect(woken).toEqual(['a', 'b', 'c']);
  });

  it('cancels one waiter without the others, and the timer with the last', () => {
    const { clock, timers, advanceTo } = manualClock();
    const woken: string[] = [];
    const cancelA = wakeAt(clock, 100, () => woken.push('a'));
    const cancelB = wakeAt(clock, 100, () => woken.push('b'));
    cancelA();
    expect(timers.size).toBe(1);
    cancelB();
    expect(timers.size).toBe(0);
    wakeAt(clock, 100, () => woken.push('c'));
    advanceTo(100);
    expect(woken).toEqual(['c']);
  });

  it('a cancel after its wake leaves a later wait for the same instant alone', () => {
    const { clock, timers, advanceTo } = manualClock();
    const woken: string[] = [];
    const cancel = wakeAt(clock, 100, () => woken.push('a'));
    advanceTo(100);
    wakeAt(clock, 100, () => woken.push('b'));
    cancel();
    wakeAt(clock, 100, () => woken.push('c'));
    expect(timers.size).toBe(1);
    advanceTo(100);
    expect(woken).toEqual(['a', 'b', 'c']);
  });
});
