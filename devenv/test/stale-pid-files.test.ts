import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProcStatSync, type ProcStat } from '../src/runtime/proc-stat.js';
import { namesRunningDaemon, removeStalePidFiles } from './stale-pid-files.js';
import { useTempDirs } from './temp-dir.js';

const makeTempDir = useTempDirs();

const stat = (comm: string, state = 'S'): ProcStat => ({
  pid: 42,
  comm,
  state,
  ppid: 1,
  pgrp: 42,
  utime: 0,
  stime: 0,
  cutime: 0,
  cstime: 0,
  startTicks: 1,
  rssPages: 0,
});

describe('namesRunningDaemon', () => {
  it('is true only for a live process with the daemon’s command name', () => {
    expect(namesRunningDaemon('42\n', 'dockerd', () => stat('dockerd'))).toBe(true);
    // The pid was reused by another program since the daemon died.
    expect(namesRunningDaemon('42\n', 'dockerd', () => stat('node'))).toBe(false);
    expect(namesRunningDaemon('42', 'dockerd', () => stat('dockerd', 'Z'))).toBe(false);
    expect(namesRunningDaemon('42', 'dockerd', () => undefined)).toBe(false);
    for (const text of ['', 'x', '-3', '0', '4.5'])
      expect(namesRunningDaemon(text, 'dockerd', () => stat('dockerd'))).toBe(false);
  });
});

describe('removeStalePidFiles', () => {
  it('removes a pid file whose pid a stranger reuses, and keeps the one of a running daemon', async () => {
    const dir = await makeTempDir();
    // A real process standing in for the stranger that took the dead daemon's pid.
    const stranger = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const ownComm = readProcStatSync('self')!.comm;
      const stale = join(dir, 'docker.pid');
      const live = join(dir, 'self.pid');
      const gone = join(dir, 'missing.pid');
      await writeFile(stale, String(stranger.pid));
      await writeFile(live, String(process.pid));
      const removed = await removeStalePidFiles([
        { path: stale, comm: 'dockerd' },
        { path: live, comm: ownComm },
        { path: gone, comm: 'dockerd' },
      ]);
      expect(removed).toEqual([stale]);
      await expect(readFile(stale)).rejects.toThrow(/ENOENT/);
      expect(await readFile(live, 'utf8')).toBe(String(process.pid));
    } finally {
      stranger.kill();
    }
  });
});
