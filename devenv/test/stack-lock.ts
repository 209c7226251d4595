import { acquireDirLock } from './dir-lock.js';
import { startDevenv, type DevenvRun } from './devenv-process.js';

/**
 * The project stack binds fixed ports (7233, 5432, 7070, …), so two tests (or a test and a bench)
 * that run it must take turns (dir-lock.ts: a lock whose owner died is taken over).
 */
export const STACK_LOCK_DIR = '/tmp/devenv-stack.lock';

/** Waits for the stack ports to be ours; returns the release function. */
export function acquireStackLock(timeoutMs = 600_000): Promise<() => Promise<void>> {
  return acquireDirLock(STACK_LOCK_DIR, timeoutMs);
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
