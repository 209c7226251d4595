import { rm } from 'node:fs/promises';
import { PROJECT_LABEL, SESSION_LABEL } from '../runtime/docker-labels.js';
import { readProcStat } from '../runtime/proc-stat.js';
import {
  groupExists,
  livingMembers,
  processStartTicks,
  signalGroup,
} from '../runtime/process-group.js';
import { engineContainerLabels, type ContainerLabels } from './container-labels.js';
import { checkContainer, checkGroup, type Verdict } from './leftover-check.js';
import type { Session } from './session-file.js';
import { sessionFilesDir } from './session-files.js';

export type ReapOutcome =
  /** The recorded devenv is still alive: its stack is not ours to touch. */
  | { readonly kind: 'still-running'; readonly pid: number }
  | {
      readonly kind: 'reaped';
      readonly processGroups: number;
      readonly containers: readonly string[];
      /** Records not acted on, each with its service and why (a damaged or forged file). */
      readonly refused: readonly string[];
    };

/** Removes containers of a dead session; the docker runtime provides it. */
export type ContainerReaper = (ids: readonly string[]) => Promise<void>;

/**
 * After devenv was killed (SIGKILL, a crash, a closed terminal), its children live on in their
 * own process groups. Kill each one still there, and remove its containers, once /proc and the
 * Engine confirm that the record names what devenv started (leftover-check.ts): a pgid of 1, our
 * own group, a recycled pid or a container without the session's labels is refused, not acted on.
 */
export async function reapSession(
  session: Session,
  reapContainers?: ContainerReaper,
  containerLabels: ContainerLabels = engineContainerLabels,
): Promise<ReapOutcome> {
  if (await sessionOwnerAlive(session)) {
    return { kind: 'still-running', pid: session.devenvPid };
  }
  const ownPgid = await processGroupOf(process.pid);
  const killed: number[] = [];
  const containers: string[] = [];
  const refused: string[] = [];
  const expectedLabels = {
    [PROJECT_LABEL]: session.projectName,
    [SESSION_LABEL]: session.sessionId,
  };
  for (const [service, leftover] of Object.entries(session.services)) {
    let verdict: Verdict;
    if (leftover.kind === 'container') {
      const facts = await containerLabels(leftover.id);
      verdict = checkContainer(leftover.id, expectedLabels, facts);
      if (verdict.kind === 'reap') containers.push(leftover.id);
    } else {
      const alive = leftover.pgid > 1 && groupExists(leftover.pgid);
      verdict = checkGroup(leftover, {
        ownPid: process.pid,
        ownPgid,
        alive,
        leaderTicks: alive ? await processStartTicks(leftover.pgid) : undefined,
        memberTicks: alive ? await membersTicks(leftover.pgid) : [],
      });
      if (verdict.kind === 'reap') {
        signalGroup(leftover.pgid, 'SIGKILL');
        killed.push(leftover.pgid);
      }
    }
    if (verdict.kind === 'refused') refused.push(`${service}: ${verdict.why}`);
  }
  // Gone, not just signalled: the stack about to start needs their ports and lock files.
  await groupsGone(killed);
  // The reaper also removes the session's containers it finds by label (those never recorded);
  // a session that recorded none ran natively and need not reach the Engine at all.
  const recordedContainers = Object.values(session.services).some((l) => l.kind === 'container');
  if (recordedContainers && reapContainers) await reapContainers(containers);
  return { kind: 'reaped', processGroups: killed.length, containers, refused };
}

const GROUPS_GONE_TIMEOUT_MS = 5_000;

async function groupsGone(pgids: readonly number[]): Promise<void> {
  const deadline = Date.now() + GROUPS_GONE_TIMEOUT_MS;
  while (pgids.some(groupExists) && Date.now() < deadline) {
    for (const pgid of pgids) signalGroup(pgid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function membersTicks(pgid: number): Promise<number[]> {
  const ticks = await Promise.all(livingMembers(pgid).map(processStartTicks));
  return ticks.filter((t): t is number => t !== undefined);
}

/** The process group of `pid` (field 5 of /proc/<pid>/stat), when /proc shows it. */
async function processGroupOf(pid: number): Promise<number | undefined> {
  return (await readProcStat(pid))?.pgrp;
}

/**
 * Whether the devenv that wrote the session still runs (same pid and start time). A record that
 * cannot name a devenv (pid 1 or less, our own pid, no start time) names none: `devenv down`
 * would otherwise send SIGTERM to whatever that pid is.
 */
export async function sessionOwnerAlive(session: Session): Promise<boolean> {
  const pid = session.devenvPid;
  if (pid <= 1 || pid === process.pid || session.devenvStartTicks === undefined) return false;
  return (await processStartTicks(pid)) === session.devenvStartTicks;
}

/** The secrets and configs a dead session wrote for its containers (runtime/docker-files.ts). */
export async function removeSessionFiles(stateDir: string, sessionId: string): Promise<void> {
  await rm(sessionFilesDir(stateDir, sessionId), { recursive: true, force: true });
}
