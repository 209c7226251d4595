import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** The fields of /proc/<pid>/stat that devenv reads (proc(5)). */
export interface ProcStat {
  readonly pid: number;
  /** The command name (field 2), which may itself hold spaces and parentheses. */
  readonly comm: string;
  /** R, S, D, Z (zombie), X (dead), … */
  readonly state: string;
  readonly ppid: number;
  readonly pgrp: number;
  /** CPU time in clock ticks (USER_HZ, 100 per second on Linux). */
  readonly utime: number;
  readonly stime: number;
  /** CPU time of waited-for children, in clock ticks. */
  readonly cutime: number;
  readonly cstime: number;
  /** Start time in clock ticks since boot: with the pid, it names one process across pid reuse. */
  readonly startTicks: number;
  readonly rssPages: number;
}

/** The text of a /proc/<pid>/stat file, read; undefined when it is not one. */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  // Counted from the command name's closing parenthesis: [0] is field 3 (state).
  const fields = text.slice(close + 2).split(' ');
  const at = (field: number) => Number(fields[field - 3]);
  const stat = {
    pid: Number(text.slice(0, open)),
    comm: text.slice(open + 1, close),
    state: fields[0] ?? '',
    ppid: at(4),
    pgrp: at(5),
    utime: at(14),
    stime: at(15),
    cutime: at(16),
    cstime: at(17),
    startTicks: at(22),
    rssPages: at(24),
  };
  const numbers = [stat.pid, stat.ppid, stat.pgrp, stat.utime, stat.stime, stat.startTicks];
  return numbers.every(Number.isSafeInteger) ? stat : undefined;
}

/** A zombie (exited, not reaped) or dead process: no longer running anything. */
export function isDeadState(state: string): boolean {
  return state === 'Z' || state === 'X';
}

/** The process's /proc stat, or undefined when it is gone (or /proc does not show it). */
export async function readProcStat(pid: number | 'self'): Promise<ProcStat | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseProcStat(text);
}

/** readProcStat for callers that scan /proc synchronously. */
export function readProcStatSync(pid: number | 'self'): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}
