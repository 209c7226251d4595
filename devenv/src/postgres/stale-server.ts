/**
 * What a SIGKILL of the postgres service's process group leaves behind, and what to do about it.
 * The group holds the launcher and the postmaster, but not the postmaster's children: each calls
 * setsid(), so backends and auxiliary processes outlive it. They exit once they notice the
 * postmaster is gone, but a backend busy in a long query does not look for a while, and as long
 * as it holds the old shared memory the next postmaster refuses to start ("pre-existing shared
 * memory block is still in use"). And the lock files stay (postmaster.pid, the socket's .lock):
 * PostgreSQL takes them for stale when kill(pid, 0) fails, but refuses to start while that pid
 * exists: a zombie postmaster nobody has reaped yet (where the reaper is slow, as in some
 * containers), or another process of the same user that was given the recycled pid.
 */

/** A process as /proc shows it, as far as recovery cares. */
export interface SeenProcess {
  readonly pid: number;
  /** The executable's name (`postgres` for the postmaster and every child, whatever their title). */
  readonly comm: string;
  /** Its working directory (PostgreSQL's processes run in the data directory); undefined if unreadable. */
  readonly cwd: string | undefined;
  readonly zombie: boolean;
}

export type Recovery =
  /** A live postmaster serves this data directory: not ours to touch. */
  | { readonly kind: 'running'; readonly pid: number }
  | {
      readonly kind: 'recover';
      /**
       * postmaster.pid, when its pid still exists but is no server here. It is not removed: it
       * also names the old shared memory block, which PostgreSQL checks (in use or not) before
       * it starts. Its pid is replaced by the launcher's, which PostgreSQL, being the launcher's
       * child, takes for a stale one ("our parent's pid": a container restart).
       */
      readonly reclaimDataLock: string | undefined;
      /** Socket lock files whose pid still exists but is no live PostgreSQL. */
      readonly removeSocketLocks: readonly string[];
      /** Leftover server processes of this data directory whose postmaster is gone. */
      readonly orphans: readonly number[];
    };

export interface LockFile {
  readonly path: string;
  /** The first line: the pid of the postmaster that wrote it. */
  readonly pid: number | undefined;
}

/** The pid on the first line of postmaster.pid (or of a socket's .lock file). */
export function lockFilePid(text: string): number | undefined {
  const first = Number(text.split('\n', 1)[0]?.trim());
  return Number.isInteger(first) && first > 0 ? first : undefined;
}

/**
 * `dataDir` is the real path; `dataLock` the data directory's postmaster.pid, `socketLocks` the
 * Unix socket lock files, each when it exists.
 */
export function planRecovery(
  dataDir: string,
  dataLock: LockFile | undefined,
  socketLocks: readonly LockFile[],
  processes: readonly SeenProcess[],
): Recovery {
  const living = processes.filter((p) => !p.zombie);
  const servers = living.filter((p) => p.comm === 'postgres' && p.cwd === dataDir);
  const postmaster = servers.find((p) => p.pid === dataLock?.pid);
  if (postmaster) return { kind: 'running', pid: postmaster.pid };
  const holder = (lock: LockFile) => processes.find((p) => p.pid === lock.pid);
  // A socket lock of another cluster's live postgres is a real conflict: PostgreSQL reports it.
  const staleSocketLock = (lock: LockFile) => {
    const seen = holder(lock);
    return seen !== undefined && (seen.zombie || seen.comm !== 'postgres');
  };
  return {
    kind: 'recover',
    reclaimDataLock: dataLock && holder(dataLock) ? dataLock.path : undefined,
    removeSocketLocks: socketLocks.filter(staleSocketLock).map((lock) => lock.path),
    orphans: servers.map((p) => p.pid),
  };
}
