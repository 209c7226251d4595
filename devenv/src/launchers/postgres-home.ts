import {
  closeSync,
  constants,
  cpSync,
  existsSync,
  fchmodSync,
  fchownSync,
  fstatSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import { recoverStaleServer } from './stale-server-recovery.js';
import type { SystemUser } from './system-user.js';

/** Where PostgreSQL keeps its data and its socket; both owned by the user it runs as, 0700. */
export interface ServerHome {
  readonly dataDir: string;
  readonly socketDir: string;
}

/** Beside the data directory asked for: where a private home elsewhere is, when there is one. */
const HOME_RECORD = 'server-home';
const HOME_PREFIX = 'devenv-postgres-';

/**
 * The data directory asked for, with the socket directory beside it, when the server's user can
 * reach it. As root the server runs as another user (PostgreSQL refuses root), who cannot enter
 * the private `.devenv/`: then the data lives in a directory of its own that mkdtemp created
 * (unpredictable, 0700, owned by that user), found again through `.devenv/postgres/server-home`
 * and reused only while it still is what devenv made. Never a fixed path in /tmp, which another
 * user could have created first.
 */
export async function prepareServerHome(
  dataDir: string,
  user: SystemUser | undefined,
  log: (line: string) => void,
): Promise<Result<ServerHome, string>> {
  const parent = dirname(dataDir);
  const reachable = user === undefined || reachableBy(parent, user);
  // Made 0700 where missing; an existing parent (a --data in the home directory) is left be.
  try {
    mkdirSync(parent, { recursive: true, mode: 0o700 });
  } catch (error) {
    return err(`cannot create ${parent}: ${messageOf(error)}`);
  }
  if (reachable) return ownedHome({ dataDir, socketDir: join(parent, 'socket') }, user);
  const record = join(parent, HOME_RECORD);
  const recorded = readHomeRecord(record, user);
  if (recorded !== undefined) return ownedHome(homeIn(recorded), user);
  let home: string;
  try {
    home = mkdtempSync(join(tmpdir(), HOME_PREFIX));
  } catch (error) {
    return err(`cannot create a directory for PostgreSQL in ${tmpdir()}: ${messageOf(error)}`);
  }
  const made = ownedPrivateDir(home, user);
  if (!made.ok) return made;
  log(`${user.name} cannot enter ${parent} (private); PostgreSQL's data is in ${home}`);
  const fresh = homeIn(home);
  const hasOldData = existsSync(join(dataDir, 'PG_VERSION'));
  if (hasOldData) {
    const copied = await copyData(dataDir, join(parent, 'socket'), fresh.dataDir, user);
    if (!copied.ok) {
      rmSync(home, { recursive: true, force: true });
      return copied;
    }
  }
  // Recorded once the data has arrived (a home without it must not be found again), and before
  // the old copy goes (so that the data is always where the record, or the old place, says).
  rmSync(record, { force: true });
  writeFileSync(record, `${home}\n`, { mode: 0o600, flag: 'wx' });
  if (hasOldData) {
    rmSync(dataDir, { recursive: true, force: true });
    log(`moved the data of ${dataDir} to ${fresh.dataDir}`);
  }
  return ownedHome(fresh, user);
}

/** The data and socket directories, made or opened, owned by the server's user, 0700. */
function ownedHome(home: ServerHome, user: SystemUser | undefined): Result<ServerHome, string> {
  for (const dir of [home.dataDir, home.socketDir]) {
    const made = ownedPrivateDir(dir, user);
    if (!made.ok) return made;
  }
  return ok(home);
}

function homeIn(home: string): ServerHome {
  return { dataDir: join(home, 'data'), socketDir: join(home, 'socket') };
}

/**
 * The recorded home, when it still is what devenv made: a directory (not a link) straight in the
 * temporary directory, named as mkdtemp names it, owned by the server's user, closed to others.
 * Anything else (the temporary directory was cleared, or someone else made that name) is not used.
 */
function readHomeRecord(record: string, user: SystemUser): string | undefined {
  let home: string;
  try {
    home = readFileSync(record, 'utf8').trim();
  } catch {
    return undefined;
  }
  if (!isAbsolute(home) || dirname(home) !== tmpdir() || !basename(home).startsWith(HOME_PREFIX))
    return undefined;
  try {
    const stat = lstatSync(home);
    if (!stat.isDirectory() || stat.uid !== user.uid || (stat.mode & 0o077) !== 0) return undefined;
  } catch {
    return undefined;
  }
  return home;
}

/**
 * Creates `dir` (and its parents) or opens the one there, without following a link, and makes it
 * the server user's, 0700. One that another user owns is refused: it is not ours to take over.
 */
function ownedPrivateDir(dir: string, user: SystemUser | undefined): Result<void, string> {
  let fd: number;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (error) {
    return err(`cannot create ${dir}: ${messageOf(error)}`);
  }
  try {
    const owner = fstatSync(fd).uid;
    const allowed = [process.getuid?.(), user?.uid];
    if (!allowed.includes(owner))
      return err(
        `${dir} belongs to uid ${owner}, not to ${user ? `${user.name} or ` : ''}you: remove it, or choose another --data`,
      );
    if (user) fchownSync(fd, user.uid, user.gid);
    fchmodSync(fd, 0o700);
    return ok(undefined);
  } finally {
    closeSync(fd);
  }
}

/** Whether `user` can enter `dir`, which exists. */
function reachableBy(dir: string, user: SystemUser): boolean {
  for (let d = dir; ; d = dirname(d)) {
    try {
      const stat = statSync(d);
      const bits = stat.uid === user.uid ? 0o100 : stat.gid === user.gid ? 0o010 : 0o001;
      if ((stat.mode & bits) === 0) return false;
    } catch {
      return false; // not there yet: made 0700, it would keep the user out
    }
    if (d === dirname(d)) return true;
  }
}

/**
 * Data written while `.devenv/` was open to the server's user: copied to the new home, owned by
 * that user, once no server of a previous run still uses it.
 */
async function copyData(
  from: string,
  fromSocketDir: string,
  to: string,
  user: SystemUser,
): Promise<Result<void, string>> {
  const recovered = await recoverStaleServer(from, fromSocketDir);
  if (!recovered.ok) return recovered;
  try {
    cpSync(from, to, {
      recursive: true,
      preserveTimestamps: true,
      verbatimSymlinks: true,
      // The old run's lock names the old directory.
      filter: (source) => basename(source) !== 'postmaster.pid',
    });
    chownTree(to, user);
    const fd = openSync(to, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
    try {
      fchmodSync(fd, 0o700);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    rmSync(to, { recursive: true, force: true });
    return err(`cannot move ${from} to ${to}: ${messageOf(error)}; ${from} is left as it was`);
  }
  return ok(undefined);
}

function chownTree(path: string, user: SystemUser): void {
  lchownSync(path, user.uid, user.gid);
  if (!lstatSync(path).isDirectory()) return;
  for (const name of readdirSync(path)) chownTree(join(path, name), user);
}
