import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { identityRuns, processIdentity } from './process-identity.js';

/** A lock directory whose owner never wrote its pid file died between the two steps. */
const OWNERLESS_STALE_MS = 10_000;
const POLL_MS = 250;

/**
 * Takes a lock that test runs (and benches) share across processes: a directory (mkdir is
 * atomic) holding its owner's identity (pid and start time). A lock whose owner is gone, or that
 * names no owner for 10 s, is taken over: the owner was killed, perhaps with its whole session,
 * and its pid may run another program by now. Returns the release.
 */
export async function acquireDirLock(dir: string, timeoutMs: number): Promise<() => Promise<void>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(dir);
      await writeFile(`${dir}/pid`, processIdentity());
      return () => rm(dir, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = (await readFile(`${dir}/pid`, 'utf8').catch(() => '')).trim();
    if (await isStale(dir, owner)) await rm(dir, { recursive: true, force: true });
    else if (Date.now() > deadline)
      throw new Error(`${dir} stayed taken by pid ${owner.split(' ')[0] || '?'}`);
    else await sleep(POLL_MS);
  }
}

async function isStale(dir: string, owner: string): Promise<boolean> {
  if (owner !== '') return !identityRuns(owner);
  const made = await stat(dir).catch(() => undefined);
  // Gone meanwhile: the next mkdir decides.
  return made !== undefined && Date.now() - made.mtimeMs > OWNERLESS_STALE_MS;
}

/** Runs `work` holding the lock. */
export async function withDirLock<T>(
  dir: string,
  timeoutMs: number,
  work: () => Promise<T>,
): Promise<T> {
  const release = await acquireDirLock(dir, timeoutMs);
  try {
    return await work();
  } finally {
    await release();
  }
}
