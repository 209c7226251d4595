import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireDirLock } from './dir-lock.js';
import { processIdentity } from './process-identity.js';
import { useTempDirs } from './temp-dir.js';

const makeTempDir = useTempDirs();

describe('acquireDirLock', () => {
  it('waits for a live owner, and gives up with its pid after the timeout', async () => {
    const lock = join(await makeTempDir(), 'lock');
    const release = await acquireDirLock(lock, 1_000);
    expect(await readFile(join(lock, 'pid'), 'utf8')).toBe(processIdentity());
    await expect(acquireDirLock(lock, 600)).rejects.toThrow(`stayed taken by pid ${process.pid}`);
    await release();
    await (
      await acquireDirLock(lock, 600)
    )();
  });

  it('takes over the lock of an owner that died, even where its pid now runs something else', async () => {
    const lock = join(await makeTempDir(), 'lock');
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const dead = processIdentity(child.pid!);
    child.kill('SIGKILL');
    await once(child, 'exit');
    await mkdir(lock);
    await writeFile(join(lock, 'pid'), dead);
    await (
      await acquireDirLock(lock, 2_000)
    )();
    // Our own pid with another start time: a process that was given a dead owner's pid.
    await mkdir(lock);
    const [pid, ticks] = processIdentity().split(' ');
    await writeFile(join(lock, 'pid'), `${pid} ${Number(ticks) - 1}`);
    await (
      await acquireDirLock(lock, 2_000)
    )();
  });

  it('takes over a lock that has named no owner for 10 s (its owner died between mkdir and write)', async () => {
    const lock = join(await makeTempDir(), 'lock');
    await mkdir(lock);
    await expect(acquireDirLock(lock, 600)).rejects.toThrow('stayed taken by pid ?');
    const old = new Date(Date.now() - 11_000);
    await utimes(lock, old, old);
    await (
      await acquireDirLock(lock, 2_000)
    )();
  });
});
