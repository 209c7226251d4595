import { readdirSync } from 'node:fs';
import { isDeadState, readProcStat, readProcStatSync } from './proc-stat.js';

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
    const stat = readProcStatSync(Number(pid));
    if (stat && stat.pgrp === pgid && !isDeadState(stat.state)) members.push(stat.pid);
  }
  return members;
}

/**
 * The process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat). With the
 * pid it identifies a process across pid reuse, so a stale session file never kills a stranger.
 */
export async function processStartTicks(pid: number): Promise<number | undefined> {
  return (await readProcStat(pid))?.startTicks;
}
