/**
 * When one process installs a tool, others that want the same tool wait for it instead of
 * building it a second time (Kubernetes takes minutes to build). The rules, without the files.
 */

/** Who holds an install lock: what its lock file says. */
export interface LockOwner {
  readonly pid: number;
  /** Epoch milliseconds when it took the lock. */
  readonly startedAt: number;
  /**
   * Its process's start time (clock ticks since boot, /proc/<pid>/stat) where the system shows
   * it: a later process given the same pid is then not taken for the owner.
   */
  readonly processStartTicks?: number;
}

/** What one look at the lock file found. */
export type LockSighting =
  | { readonly kind: 'free' }
  | { readonly kind: 'held'; readonly owner: LockOwner; readonly ownerAlive: boolean }
  /** A file whose content is no owner: being written this instant, or left by a crash while it was. */
  | { readonly kind: 'unreadable'; readonly ageMs: number };

export interface LockLimits {
  /** The longest wait for another process's install before giving up with a message naming it. */
  readonly maxWaitMs: number;
  /** A wait this long is said on the log; quicker ones pass without a word. */
  readonly announceAfterMs: number;
  /** Then said again this often, so a long build does not look like a hang. */
  readonly repeatEveryMs: number;
  /** An unreadable lock file older than this is a crash's leftover, not a write in progress. */
  readonly unreadableStaleAfterMs: number;
}

export const DEFAULT_LOCK_LIMITS: LockLimits = {
  // Longer than any build seen here (Kubernetes' six binaries: 41 min on an overloaded machine)
  // and than one `go build`'s own timeout (60 min).
  maxWaitMs: 70 * 60_000,
  announceAfterMs: 3_000,
  repeatEveryMs: 5 * 60_000,
  unreadableStaleAfterMs: 10_000,
};

export interface WaitSoFar {
  readonly waitedMs: number;
  /** `waitedMs` when the wait was last announced; undefined when it was not yet. */
  readonly announcedAtMs: number | undefined;
}

export type LockStep =
  | { readonly kind: 'take' }
  /** The lock is stale: remove it (if it is still the one seen), then take it. */
  | { readonly kind: 'take-over'; readonly why: string }
  | { readonly kind: 'wait'; readonly announce: boolean }
  | { readonly kind: 'give-up' };

/** The next step after one look at the lock file. */
export function decideLockStep(
  sighting: LockSighting,
  wait: WaitSoFar,
  limits: LockLimits,
): LockStep {
  if (sighting.kind === 'free') return { kind: 'take' };
  if (sighting.kind === 'held' && !sighting.ownerAlive)
    return { kind: 'take-over', why: `pid ${sighting.owner.pid}, which held it, is not running` };
  if (sighting.kind === 'unreadable' && sighting.ageMs >= limits.unreadableStaleAfterMs)
    return {
      kind: 'take-over',
      why: `its lock file names no owner and is ${Math.round(sighting.ageMs / 1000)} s old`,
    };
  if (wait.waitedMs >= limits.maxWaitMs) return { kind: 'give-up' };
  const announce =
    wait.waitedMs >= limits.announceAfterMs &&
    (wait.announcedAtMs === undefined ||
      wait.waitedMs - wait.announcedAtMs >= limits.repeatEveryMs);
  return { kind: 'wait', announce };
}

/** The log line of a wait: who is installing, since when, and for how long this has waited. */
export function describeWait(what: string, sighting: LockSighting, waitedMs: number): string {
  const waited = `waited ${formatDuration(waitedMs)} so far`;
  if (sighting.kind !== 'held')
    return `${what}: waiting for another process that is starting to install it (${waited})`;
  const since = new Date(sighting.owner.startedAt).toISOString().slice(11, 19);
  return `${what}: waiting for pid ${sighting.owner.pid}, which has been installing it since ${since} UTC (${waited})`;
}

/** Why the wait ended without the tool, and what the user can do. */
export function describeGiveUp(
  what: string,
  sighting: LockSighting,
  waitedMs: number,
  lockFile: string,
): string {
  const owner = sighting.kind === 'held' ? `pid ${sighting.owner.pid}` : 'another process';
  const stop = sighting.kind === 'held' ? `stop it (kill ${sighting.owner.pid}) and ` : '';
  return (
    `${what}: ${owner} is still installing it after ${formatDuration(waitedMs)} of waiting; ` +
    `if it is stuck, ${stop}run again (or delete ${lockFile} when no install is running)`
  );
}

function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}
