import {
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  lockFilePid,
  planRecovery,
  type LockFile,
  type SeenProcess,
} from '../postgres/stale-server.js';
import { err, ok, type Result } from '../../shared/result.js';
import { isDeadState, readProcStatSync } from '../runtime/proc-stat.js';

/** Orphans exit within milliseconds of SIGKILL; this only bounds a process stuck in the kernel. */
const ORPHAN_EXIT_TIMEOUT_MS = 10_000;

/**
 * Before PostgreSQL starts on `dataDir`: kills the server processes a previous, killed run left
 * behind and removes lock files whose pid was recycled (docs: stale-server.ts). Returns what it
 * did, or why the directory cannot be used now (a live server owns it).
 */
export async function recoverStaleServer(
  dataDir: string,
  socketDir: string,
): Promise<Result<string[], string>> {
  let realDataDir: string;
  try {
    realDataDir = realpathSync(dataDir);
  } catch {
    return ok([]); // not initialised yet: nothing can be left over
  }
  const dataLock = readLockFile(join(dataDir, 'postmaster.pid'));
  const socketLocks = socketLockFiles(socketDir);
  const plan = planRecovery(realDataDir, dataLock, socketLocks, seenProcesses());
  if (plan.kind === 'running')
    return err(
      `PostgreSQL (pid ${plan.pid}) already serves ${dataDir}; stop it (kill -INT ${plan.pid}) or use another data directory`,
    );
  const done: string[] = [];
  if (plan.orphans.length > 0) {
    for (const pid of plan.orphans) signal(pid, 'SIGKILL');
    const left = await waitGone(plan.orphans);
    done.push(
      `killed ${plan.orphans.length} server process(es) left by a previous run (pid ${plan.orphans.join(' ')})${left.length > 0 ? `; still there: ${left.join(' ')}` : ''}`,
    );
  }
  if (plan.reclaimDataLock !== undefined) {
    const path = plan.reclaimDataLock;
    const lines = readFileSync(path, 'utf8').split('\n');
    // In place: the file keeps its owner and mode (0600, the postgres user's when we are root).
    writeFileSync(path, [String(process.pid), ...lines.slice(1)].join('\n'));
    done.push(`${path} named pid ${lines[0]}, no server any more: handed to PostgreSQL as stale`);
  }
  for (const path of plan.removeSocketLocks) {
    rmSync(path, { force: true });
    done.push(
      `removed ${path}: its pid ${socketLocks.find((l) => l.path === path)?.pid} is no server any more`,
    );
  }
  return ok(done);
}

function readLockFile(path: string): LockFile | undefined {
  try {
    return { path, pid: lockFilePid(readFileSync(path, 'utf8')) };
  } catch {
    return undefined;
  }
}

function socketLockFiles(socketDir: string): LockFile[] {
  let names: string[];
  try {
    names = readdirSync(socketDir);
  } catch {
    return [];
  }
  return names
    .filter((name) => /^\.s\.PGSQL\.\d+\.lock$/.test(name))
    .flatMap((name) => readLockFile(join(socketDir, name)) ?? []);
}

/** Every process in /proc (empty where there is no /proc: nothing to recover then). */
function seenProcesses(): SeenProcess[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  return pids.flatMap((pid) => {
    const seen = seenProcess(Number(pid));
    return seen ? [seen] : [];
  });
}

function seenProcess(pid: number): SeenProcess | undefined {
  const stat = readProcStatSync(pid);
  if (stat === undefined) return undefined; // gone meanwhile
  let cwd: string | undefined;
  try {
    cwd = readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    cwd = undefined; // another user's process, or a zombie
  }
  return { pid, comm: stat.comm, cwd, zombie: isDeadState(stat.state) };
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** Waits until none of `pids` is a living process; returns those still alive at the deadline. */
async function waitGone(pids: readonly number[]): Promise<number[]> {
  const deadline = Date.now() + ORPHAN_EXIT_TIMEOUT_MS;
  for (;;) {
    const left = pids.filter((pid) => {
      const seen = seenProcess(pid);
      return seen !== undefined && !seen.zombie;
    });
    if (left.length === 0 || Date.now() > deadline) return left;
    await sleep(20);
  }
}
