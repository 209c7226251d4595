import { readdir } from 'node:fs/promises';
import { readProcStat, type ProcStat } from './proc-stat.js';

export interface GroupUsage {
  /** CPU time of all live members, in clock ticks (USER_HZ, 100 per second on Linux). */
  readonly cpuTicks: number;
  readonly rssBytes: number;
}

export const PAGE_BYTES = 4096;

/**
 * One pass over /proc: `visit` is called with each live member of the process groups asked
 * about (a service is its whole group: a shell, its node, the node's workers).
 */
export async function forEachGroupMember(
  pgids: readonly number[],
  visit: (stat: ProcStat) => void | Promise<void>,
): Promise<void> {
  const wanted = new Set(pgids);
  if (wanted.size === 0) return;
  const pids = (await readdir('/proc').catch(() => [])).filter((name) => /^\d+$/.test(name));
  await Promise.all(
    pids.map(async (pid) => {
      const stat = await readProcStat(Number(pid));
      if (stat === undefined || !wanted.has(stat.pgrp) || stat.state === 'Z') return;
      await visit(stat);
    }),
  );
}

/** CPU time and resident memory summed per process group, for the groups asked about. */
export async function groupUsage(pgids: readonly number[]): Promise<Map<number, GroupUsage>> {
  const usage = new Map<number, GroupUsage>();
  await forEachGroupMember(pgids, (stat) => {
    const before = usage.get(stat.pgrp) ?? { cpuTicks: 0, rssBytes: 0 };
    usage.set(stat.pgrp, {
      cpuTicks: before.cpuTicks + stat.utime + stat.stime,
      rssBytes: before.rssBytes + stat.rssPages * PAGE_BYTES,
    });
  });
  return usage;
}

/** CPU % of one core between two samples `elapsedMs` apart. */
export function cpuPercent(
  before: number,
  after: number,
  elapsedMs: number,
  ticksPerSecond = 100,
): number {
  if (elapsedMs <= 0) return 0;
  return Math.max(0, ((after - before) / ticksPerSecond / (elapsedMs / 1000)) * 100);
}
