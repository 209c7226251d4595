import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** Sends a signal to a whole process group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether any process of the group is still alive. Zombies do not count: a killed grandchild
 * that init has not reaped yet is dead, though kill(-pgid, 0) still finds it.
 */
export function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return livingMembers(pgid).length > 0;
}

/** Pids of the group's processes that are not zombies (from /proc; empty where /proc is missing). */
export function livingMembers(pgid: number): number[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const members: number[] = [];
  for (const pid of pids) {
    const fields = statFields(pid);
    // Fields after the command: [0] state, [1] ppid, [2] pgrp.
    if (fields && Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X')
      members.push(Number(pid));
  }
  return members;
}

function statFields(pid: string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * The process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat). With the
 * pid it identifies a process across pid reuse, so a stale session file never kills a stranger.
 */
export async function processStartTicks(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  // The command name (field 2) may contain spaces and parentheses: count from its closing paren.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[19]);
  return Number.isFinite(ticks) ? ticks : undefined;
}
