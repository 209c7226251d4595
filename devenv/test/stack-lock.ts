import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDevenv, type DevenvRun } from './devenv-process.js';

/**
 * The project stack binds fixed ports (7233, 5432, 7070, …), so two tests (or a test and a bench)
 * that run it must take turns. A directory is the lock: mkdir is atomic; the owner's PID inside
 * lets a later run take over a lock whose owner died.
 */
export const STACK_LOCK_DIR = '/tmp/devenv-stack.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits for the stack ports to be ours; returns the release function. */
export async function acquireStackLock(timeoutMs = 600_000): Promise<() => Promise<void>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(STACK_LOCK_DIR);
      await writeFile(`${STACK_LOCK_DIR}/pid`, String(process.pid));
      return () => rm(STACK_LOCK_DIR, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number(await readFile(`${STACK_LOCK_DIR}/pid`, 'utf8').catch(() => ''));
    // No PID yet: the owner is between mkdir and writeFile; give it a moment before judging.
    if (owner > 0 && !alive(owner)) await rm(STACK_LOCK_DIR, { recursive: true, force: true });
    if (Date.now() > deadline)
      throw new Error(`the project stack stayed busy (${STACK_LOCK_DIR}, pid ${owner || '?'})`);
    await sleep(500);
  }
}

/**
 * `devenv up …` of the project stack, once the stack's ports are ours. `stop()` interrupts it as
 * Ctrl-C would, waits for everything to be down, then lets the next test or bench have the ports.
 */
export async function startProjectStack(
  args: readonly string[],
  options: { readonly cwd?: string; readonly bin?: string; readonly env?: NodeJS.ProcessEnv } = {},
): Promise<{ readonly devenv: DevenvRun; stop(): Promise<{ code: number | null }> }> {
  const release = await acquireStackLock();
  const devenv = startDevenv(args, options.cwd, options.env ?? process.env, options.bin);
  let stopped: Promise<{ code: number | null }> | undefined;
  return {
    devenv,
    stop: () =>
      (stopped ??= (async () => {
        devenv.child.kill('SIGINT');
        const exit = await devenv.exited;
        await release();
        return exit;
      })()),
  };
}
