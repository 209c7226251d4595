import { readdir, readFile } from 'node:fs/promises';

export interface GroupUsage {
  /** CPU time of all live members, in clock ticks (USER_HZ, 100 per second on Linux). */
  readonly cpuTicks: number;
  readonly rssBytes: number;
}

const PAGE_BYTES = 4096;

/**
 * One pass over /proc: CPU time and resident memory summed per process group, for the groups
 * asked about (a service is its whole group: a shell, its node, the node's workers).
 */
export async function groupUsage(pgids: readonly number[]): Promise<Map<number, GroupUsage>> {
  const wanted = new Set(pgids);
  const usage = new Map<number, GroupUsage>();
  if (wanted.size === 0) return usage;
  const pids = (await readdir('/proc').catch(() => [])).filter((name) => /^\d+$/.test(name));
  await Promise.all(
    pids.map(async (pid) => {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
      if (stat === undefined) return;
      // After the command name: [0] state, [2] pgrp, [11] utime, [12] stime, [21] rss (pages).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pgrp = Number(fields[2]);
      if (!wanted.has(pgrp) || fields[0] === 'Z') return;
      const before = usage.get(pgrp) ?? { cpuTicks: 0, rssBytes: 0 };
      usage.set(pgrp, {
        cpuTicks: before.cpuTicks + Number(fields[11]) + Number(fields[12]),
        rssBytes: before.rssBytes + Number(fields[21]) * PAGE_BYTES,
      });
    }),
  );
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
