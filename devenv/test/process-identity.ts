import { isDeadState, readProcStatSync } from '../src/runtime/proc-stat.js';

/**
 * A process named across pid reuse, for the lock and lease files test runs share: `pid
 * start-ticks`. This machine has 32768 pids and a test run spawns thousands of processes, and the
 * files outlive runs that were killed (a session ended with SIGKILL, then CI on the same machine),
 * so a bare pid in them soon names a stranger.
 */
export function processIdentity(pid: number = process.pid): string {
  const ticks = readProcStatSync(pid)?.startTicks;
  return ticks === undefined ? String(pid) : `${pid} ${ticks}`;
}

/**
 * Whether the process a `processIdentity` text names still runs. Without start ticks (no /proc, or
 * a file written before they were recorded) signal 0 says whether the pid runs at all.
 */
export function identityRuns(text: string): boolean {
  const [pidText = '', ticks] = text.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  const stat = readProcStatSync(pid);
  if (stat !== undefined && ticks !== undefined)
    return String(stat.startTicks) === ticks && !isDeadState(stat.state);
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The identity in a file named by its pid (`users/<pid>`), whichever test run wrote it: `pid
 * ticks` now; earlier runs wrote the start ticks alone, or nothing (then the pid alone says whether
 * it runs). Runs of other versions share these files: misreading an entry would take the Engine
 * or the cluster away from under a live run.
 */
export function identityOfEntry(pid: number, content: string): string {
  const fields = content
    .trim()
    .split(/\s+/)
    .filter((f) => f !== '');
  if (fields.length === 2) return fields.join(' ');
  return fields.length === 1 ? `${pid} ${fields[0]}` : String(pid);
}
