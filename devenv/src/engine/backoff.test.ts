import { describe, expect, it } from 'vitest';
import { BACKOFF_CAP_MS, backoffDelayMs, wantsRestart, type RestartPolicy } from './backoff.js';

describe('backoffDelayMs', () => {
  const table: { streak: number; random: number; ms: number }[] = [
    // The first crash in a row (or none counted yet) restarts at once, whatever the jitter.
    { streak: 0, random: 0.99, ms: 0 },
    { streak: 1, random: 0.99, ms: 0 },
    // Then 100 ms doubling, ×0.8 at random 0, ×1 at 0.5, up to ×1.2 as random nears 1.
    { streak: 2, random: 0.5, ms: 100 },
    { streak: 3, random: 0.5, ms: 200 },
    { streak: 4, random: 0.5, ms: 400 },
    { streak: 5, random: 0.5, ms: 800 },
    { streak: 2, random: 0, ms: 80 },
    { streak: 2, random: 0.999_999, ms: 120 },
    { streak: 3, random: 0.25, ms: 180 },
    // Capped at 30 s before the jitter: 100 × 2^9 = 51.2 s would be the next step.
    { streak: 10, random: 0.5, ms: 25_600 },
    { streak: 11, random: 0.5, ms: BACKOFF_CAP_MS },
    { streak: 50, random: 0, ms: 24_000 },
    { streak: 50, random: 0.999_999, ms: 36_000 },
  ];
  for (const { streak, random, ms } of table) {
    it(`streak ${streak}, random ${random} → ${ms} ms`, () => {
      expect(backoffDelayMs(streak, random)).toBe(ms);
    });
  }
});

describe('wantsRestart: Compose restart policies', () => {
  const table: { policy: RestartPolicy; code: number | null; restart: boolean }[] = [
    { policy: 'no', code: 1, restart: false },
    { policy: 'no', code: null, restart: false },
    { policy: 'no', code: 0, restart: false },
    { policy: 'on-failure', code: 1, restart: true },
    { policy: 'on-failure', code: null, restart: true },
    { policy: 'on-failure', code: 0, restart: false },
    { policy: 'always', code: 0, restart: true },
    { policy: 'always', code: 137, restart: true },
    { policy: 'unless-stopped', code: 0, restart: true },
    { policy: 'unless-stopped', code: null, restart: true },
  ];
  for (const { policy, code, restart } of table) {
    it(`${policy}, exit ${code ?? 'by signal'} → ${restart ? 'restart' : 'stay down'}`, () => {
      expect(wantsRestart(policy, code)).toBe(restart);
    });
  }
});
