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
  let last: { readonly at: number; readonly answer: Promise<Readiness> } | undefined;
  return () => {
    const at = now();
    if (last === undefined || at - last.at >= ttlMs) {
      const answer = check();
      last = { at, answer };
      // A check that is still running when the TTL is over is waited for, not repeated.
      void answer.then(() => {
        if (last?.answer === answer) last = { at: now(), answer };
      });
    }
    return last.answer;
  };
}
