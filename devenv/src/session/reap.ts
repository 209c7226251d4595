import { groupExists, processStartTicks, signalGroup } from '../runtime/process-group.js';
import type { Session } from './session-file.js';

export type ReapOutcome =
  /** The recorded devenv is still alive: its stack is not ours to touch. */
  | { readonly kind: 'still-running'; readonly pid: number }
  | {
      readonly kind: 'reaped';
      readonly processGroups: number;
      readonly containers: readonly string[];
    };

/** Removes containers of a dead session; the docker runtime provides it. */
export type ContainerReaper = (ids: readonly string[]) => Promise<void>;

/**
 * After devenv was killed (SIGKILL, a crash, a closed terminal), its children live on in their
 * own process groups. Kill each one still there, checking start times so a reused pid is spared.
 */
export async function reapSession(
  session: Session,
  reapContainers?: ContainerReaper,
): Promise<ReapOutcome> {
  if (await sessionOwnerAlive(session)) {
    return { kind: 'still-running', pid: session.devenvPid };
  }
  let processGroups = 0;
  const killed: number[] = [];
  const containers: string[] = [];
  for (const leftover of Object.values(session.services)) {
    if (leftover.kind === 'container') {
      containers.push(leftover.id);
      continue;
    }
    if (!groupExists(leftover.pgid)) continue;
    // The leader may be gone while its group lives on; only a live leader with another start time is a stranger.
    const leaderTicks = await processStartTicks(leftover.pgid);
    if (
      leaderTicks !== undefined &&
      leftover.startTicks !== undefined &&
      leaderTicks !== leftover.startTicks
    )
      continue;
    signalGroup(leftover.pgid, 'SIGKILL');
    killed.push(leftover.pgid);
    processGroups++;
  }
  // Gone, not just signalled: the stack about to start needs their ports and lock files.
  await groupsGone(killed);
  if (containers.length > 0 && reapContainers) await reapContainers(containers);
  return { kind: 'reaped', processGroups, containers };
}

const GROUPS_GONE_TIMEOUT_MS = 5_000;

async function groupsGone(pgids: readonly number[]): Promise<void> {
  const deadline = Date.now() + GROUPS_GONE_TIMEOUT_MS;
  while (pgids.some(groupExists) && Date.now() < deadline) {
    for (const pgid of pgids) signalGroup(pgid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Whether the devenv that wrote the session still runs (same pid and start time). */
export async function sessionOwnerAlive(session: Session): Promise<boolean> {
  const ticks = await processStartTicks(session.devenvPid);
  if (ticks === undefined) return false;
  return session.devenvStartTicks === undefined || ticks === session.devenvStartTicks;
}
