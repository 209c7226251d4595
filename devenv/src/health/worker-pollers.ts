import type { Poller, PollerKind } from './temporal-pollers.js';
import { failed, passed, type ProbeOutcome } from './probe-outcome.js';

/**
 * A live worker starts a new poll at least once a minute (the server answers an idle long poll
 * after one), and the server keeps a poller listed for minutes after it stopped: a poller whose
 * last poll started longer ago than this has stopped polling.
 */
export const POLLER_STALE_AFTER_MS = 75_000;

/**
 * Whose a poller is, from its identity: `ours` (a process of this run of the service), `other`
 * (a live process that is not, or one that is gone, e.g. the previous run's), or `unknown` (an
 * identity that names no process here: a custom one, or a container's).
 */
export type PollerOwner = 'ours' | 'other' | 'unknown';

export interface WorkerRun {
  /** When this run of the service started (epoch ms); undefined when devenv does not know. */
  readonly startedAtMs: number | undefined;
  readonly ownerOf: (identity: string) => PollerOwner;
}

/**
 * Ready when, for each kind, a poller of this run has polled recently: one whose identity is a
 * process of the run, or, when the identity says nothing, one whose last poll began after the
 * run started (so the lingering record of the previous run's worker never counts).
 */
export function judgePollers(
  taskQueue: string,
  pollers: Readonly<Record<PollerKind, readonly Poller[]>>,
  kinds: readonly PollerKind[],
  run: WorkerRun,
  nowMs: number,
): ProbeOutcome {
  const found: string[] = [];
  for (const kind of kinds) {
    const ours = pollers[kind].filter(
      (poller) => poller.lastAccessMs >= nowMs - POLLER_STALE_AFTER_MS && isOfRun(poller, run),
    );
    if (ours.length === 0) return failed(missing(taskQueue, kind, pollers[kind], nowMs));
    found.push(...ours.map((poller) => poller.identity));
  }
  return passed(
    `${kinds.join(' and ')} pollers on ${taskQueue} (${[...new Set(found)].join(', ')})`,
  );
}

function isOfRun(poller: Poller, run: WorkerRun): boolean {
  const owner = run.ownerOf(poller.identity);
  if (owner !== 'unknown') return owner === 'ours';
  return run.startedAtMs === undefined || poller.lastAccessMs >= run.startedAtMs;
}

function missing(
  taskQueue: string,
  kind: PollerKind,
  others: readonly Poller[],
  nowMs: number,
): string {
  const seen = others.map(
    (poller) => `${poller.identity} ${Math.round((nowMs - poller.lastAccessMs) / 1000)} s ago`,
  );
  return `no ${kind} poller of this run on ${taskQueue}${seen.length > 0 ? ` (last polls: ${seen.join(', ')})` : ''}`;
}
