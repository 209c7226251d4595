/**
 * What a SIGKILL of the postgres service's process group leaves behind, and what to do about it.
 * The group holds the launcher and the postmaster, but not the postmaster's children: each calls
 * setsid(), so backends and auxiliary processes outlive it. They exit once they notice the
 * postmaster is gone, but a backend busy in a long query does not look for a while, and as long
 * as it holds the old shared memory the next postmaster refuses to start ("pre-existing shared
 * memory block is still in use"). And postmaster.pid stays: PostgreSQL removes it itself when its
 * pid is dead, but refuses to start when that pid now belongs to another process.
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
      /** Lock files whose pid now belongs to an unrelated process (PostgreSQL would refuse them). */
      readonly removeLockFiles: readonly string[];
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
  const alive = (lock: LockFile) => living.find((p) => p.pid === lock.pid);
  // A socket lock held by another cluster's postgres is a real conflict: PostgreSQL reports it.
  const strangers = [
    ...(dataLock && alive(dataLock) ? [dataLock] : []),
    ...socketLocks.filter((lock) => {
      const holder = alive(lock);
      return holder !== undefined && holder.comm !== 'postgres';
    }),
  ];
  return {
    kind: 'recover',
    removeLockFiles: strangers.map((lock) => lock.path),
    orphans: servers.map((p) => p.pid),
  };
}
