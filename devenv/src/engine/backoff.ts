/**
 * Restart delays: the first crash after a stable run restarts at once (a crash is rare; every
 * millisecond of it is downtime), repeated crashes back off as Docker's restart policies do,
 * exponentially from 100 ms, capped at 30 s, with ±20 % jitter so crash loops don't align.
 */
export const BACKOFF_BASE_MS = 100;
export const BACKOFF_CAP_MS = 30_000;
const JITTER = 0.2;

/** The delay before restart number `streak` (1 = the first crash in a row). `random` in [0, 1). */
export function backoffDelayMs(streak: number, random: number): number {
  if (streak <= 1) return 0;
  const exponential = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (streak - 2));
  return Math.round(exponential * (1 - JITTER + 2 * JITTER * random));
}

export type RestartPolicy = 'no' | 'always' | 'on-failure' | 'unless-stopped';

/** Compose's restart policies; `unless-stopped` = always here, since a user stop is never restarted. */
export function wantsRestart(policy: RestartPolicy, code: number | null): boolean {
  switch (policy) {
    case 'no':
      return false;
    case 'on-failure':
      return code !== 0;
    case 'always':
    case 'unless-stopped':
      return true;
  }
}
