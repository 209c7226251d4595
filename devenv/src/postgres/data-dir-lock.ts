import { readFileSync, rmSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { err, ok, type Result } from '../../shared/result.js';
import { processStartTicks } from '../runtime/process-group.js';

/**
 * PGlite takes no lock of its own on its data directory (its postmaster.pid holds a made-up pid),
 * and two instances writing one directory would corrupt it. So the launcher holds `lockPath`:
 * its pid and start time. A lock whose process is gone (SIGKILL, a crash) or whose pid now
 * belongs to another process is stale and taken over.
 */
export async function takeDataDirLock(
  lockPath: string,
  what: string,
): Promise<Result<() => void, string>> {
  const mine = `${process.pid} ${(await processStartTicks(process.pid)) ?? ''}\n`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lockPath, mine, { flag: 'wx' });
      return ok(() => {
        // Only our own lock: a later owner's must survive a late release.
        if (readFileSync(lockPath, 'utf8') === mine) rmSync(lockPath, { force: true });
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await readFile(lockPath, 'utf8').catch(() => '');
    const [pid, ticks] = owner.trim().split(' ').map(Number);
    if (pid !== undefined && (await stillRunning(pid, ticks)))
      return err(
        `${what} is in use by process ${pid} (another devenv postgres-server); stop it (kill ${pid}) or use another data directory`,
      );
    await rm(lockPath, { force: true });
  }
  return err(`${lockPath} keeps reappearing: another process is taking the lock at the same time`);
}

async function stillRunning(pid: number, startTicks: number | undefined): Promise<boolean> {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // The same pid with another start time is a stranger that was given a recycled pid.
  return startTicks === undefined || Number.isNaN(startTicks)
    ? true
    : (await processStartTicks(pid)) === startTicks;
}
