import { readFile } from 'node:fs/promises';
import { forEachGroupMember, PAGE_BYTES } from '../runtime/group-usage.js';

/** One reading of a native service's process group, summed over its live members. */
export interface GroupReading {
  /** CPU time in clock ticks (USER_HZ, 100 per second on Linux). */
  readonly cpuTicks: number;
  readonly rssBytes: number;
  readonly pids: number;
  /** Bytes the members read from and wrote to storage; null when /proc/PID/io is closed to us. */
  readonly blockIO: { readonly readBytes: number; readonly writeBytes: number } | null;
}

/**
 * One pass over /proc for the process groups asked about (a native service is its whole group),
 * as `docker stats` reads a container's cgroup.
 */
export async function readGroups(pgids: readonly number[]): Promise<Map<number, GroupReading>> {
  const readings = new Map<number, GroupReading>();
  await forEachGroupMember(pgids, async (stat) => {
    const io = await readIO(String(stat.pid));
    // Read after the await: another member's reading may have landed meanwhile.
    const before = readings.get(stat.pgrp);
    readings.set(stat.pgrp, {
      cpuTicks: (before?.cpuTicks ?? 0) + stat.utime + stat.stime,
      rssBytes: (before?.rssBytes ?? 0) + stat.rssPages * PAGE_BYTES,
      pids: (before?.pids ?? 0) + 1,
      blockIO: addIO(before === undefined ? { readBytes: 0, writeBytes: 0 } : before.blockIO, io),
    });
  });
  return readings;
}

type IO = GroupReading['blockIO'];

function addIO(a: IO, b: IO): IO {
  return a === null || b === null
    ? null
    : { readBytes: a.readBytes + b.readBytes, writeBytes: a.writeBytes + b.writeBytes };
}

/** read_bytes and write_bytes of /proc/PID/io (proc(5)): what reached storage. */
async function readIO(pid: string): Promise<IO> {
  const text = await readFile(`/proc/${pid}/io`, 'utf8').catch(() => undefined);
  if (text === undefined) return null;
  const field = (key: string) => Number(new RegExp(`^${key}: (\\d+)$`, 'm').exec(text)?.[1]);
  const readBytes = field('read_bytes');
  const writeBytes = field('write_bytes');
  return Number.isSafeInteger(readBytes) && Number.isSafeInteger(writeBytes)
    ? { readBytes, writeBytes }
    : null;
}
