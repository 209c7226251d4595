import type { TemporalHandle } from './temporal-client.js';

type Readiness = Awaited<ReturnType<TemporalHandle['checkReady']>>;

/** How long one answer of Temporal stands for every readiness question (/readyz, gRPC health). */
export const READINESS_TTL_MS = 1_000;

/**
 * `/readyz` needs no token, so anyone could make the dispatcher call Temporal as often as they
 * ask: one answer serves every probe for `ttlMs`, and probes arriving while a check is under way
 * wait for that check instead of starting their own.
 */
export function cachedReadiness(
  check: () => Promise<Readiness>,
  ttlMs = READINESS_TTL_MS,
  now: () => number = () => performance.now(),
): () => Promise<Readiness> {
  let last: { at: number; readonly answer: Promise<Readiness>; settled: boolean } | undefined;
  return () => {
    const at = now();
    // A check still under way is waited for, however long it takes, not repeated.
    if (last === undefined || (last.settled && at - last.at >= ttlMs)) {
      const entry = { at, answer: check(), settled: false };
      last = entry;
      void entry.answer.then(() => {
        entry.at = now();
        entry.settled = true;
      });
    }
    return last.answer;
  };
}
