import { readFile, rm } from 'node:fs/promises';
import { isDeadState, readProcStatSync, type ProcStat } from '../src/runtime/proc-stat.js';

/** A pid file a daemon leaves behind, and the command name (/proc comm) of the daemon it names. */
export interface DaemonPidFile {
  readonly path: string;
  readonly comm: string;
}

/**
 * The pid files dockerd checks before it starts. After a dockerd killed with SIGKILL (a machine
 * whose processes were all killed, then reused) they stay, naming pids that other processes took
 * since: dockerd then refuses to start ("pid file found, ensure docker is not running"), and may
 * signal the stranger it takes for its old containerd.
 */
export const DOCKERD_PID_FILES: readonly DaemonPidFile[] = [
  { path: '/var/run/docker.pid', comm: 'dockerd' },
  { path: '/var/run/docker/containerd/containerd.pid', comm: 'containerd' },
];

/** Whether a pid file's text names a running process with the daemon's command name. */
export function namesRunningDaemon(
  text: string,
  comm: string,
  statOf: (pid: number) => ProcStat | undefined,
): boolean {
  const pid = Number(text.trim());
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  const stat = statOf(pid);
  return stat !== undefined && stat.comm === comm && !isDeadState(stat.state);
}

/**
 * Removes each pid file that names no running daemon of its kind, before a dockerd is started
 * where none answers; returns the paths removed, for the setup's log.
 */
export async function removeStalePidFiles(
  files: readonly DaemonPidFile[] = DOCKERD_PID_FILES,
): Promise<string[]> {
  const removed: string[] = [];
  for (const { path, comm } of files) {
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined || namesRunningDaemon(text, comm, readProcStatSync)) continue;
    await rm(path, { force: true });
    removed.push(path);
  }
  return removed;
}
