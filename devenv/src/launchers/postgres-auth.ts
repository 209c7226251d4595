import {
  closeSync,
  existsSync,
  fchownSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { hbaConfig, identConfig, planHba } from '../postgres/client-auth.js';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import type { SystemUser } from './system-user.js';

/**
 * Hands `password` to `use` in a file only the server's user can read (0600, in its private
 * socket directory), as initdb's --pwfile wants it, and removes the file afterwards.
 */
export async function withPasswordFile<T>(
  dir: string,
  password: string,
  user: SystemUser | undefined,
  use: (path: string) => Promise<T>,
): Promise<T> {
  const path = join(dir, `.pwfile-${process.pid}`);
  rmSync(path, { force: true });
  const fd = openSync(path, 'wx', 0o600);
  try {
    if (user) fchownSync(fd, user.uid, user.gid);
    writeFileSync(fd, `${password}\n`);
  } finally {
    closeSync(fd);
  }
  try {
    return await use(path);
  } finally {
    rmSync(path, { force: true });
  }
}

/**
 * pg_hba.conf and pg_ident.conf as client-auth.ts has them, on a fresh cluster and on one that
 * still trusts every connection (the trusting file is kept as pg_hba.conf.trust). Returns what
 * it changed, for the log.
 */
export function ensureClientAuth(
  dataDir: string,
  options: {
    readonly fresh: boolean;
    readonly superuser: string;
    readonly user: SystemUser | undefined;
  },
): Result<string | undefined, string> {
  const hba = join(dataDir, 'pg_hba.conf');
  const existing = existsSync(hba) ? readFileSync(hba, 'utf8') : undefined;
  const plan = planHba(existing, options.fresh);
  if (plan.kind === 'keep') return ok(undefined);
  try {
    if (plan.trusted && existing !== undefined) writeOwned(`${hba}.trust`, existing, options.user);
    writeOwned(
      join(dataDir, 'pg_ident.conf'),
      identConfig(userInfo().username, options.superuser),
      options.user,
    );
    writeOwned(hba, hbaConfig(), options.user);
  } catch (error) {
    return err(`cannot write ${hba}: ${messageOf(error)}`);
  }
  return ok(
    plan.trusted
      ? `${hba} trusted every local connection: now passwords (scram-sha-256) on TCP and only ${userInfo().username} on the socket; the old file is ${hba}.trust`
      : undefined,
  );
}

/** Written whole (a temporary file renamed over it), 0600, owned by the server's user. */
function writeOwned(path: string, text: string, user: SystemUser | undefined): void {
  const tmp = `${path}.devenv-${process.pid}`;
  rmSync(tmp, { force: true });
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    if (user) fchownSync(fd, user.uid, user.gid);
    writeFileSync(fd, text);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/**
 * Sets the superuser's password to `password` through the Unix socket, where peer
 * authentication lets the OS user running devenv in: for a cluster from before passwords were
 * checked, or after POSTGRES_PASSWORD changed.
 */
export async function ensurePassword(
  socketDir: string,
  options: { readonly port: number; readonly user: string; readonly password: string },
): Promise<Result<string, string>> {
  const client = new pg.Client({
    host: socketDir,
    port: options.port,
    user: options.user,
    database: 'postgres',
  });
  client.on('error', () => {});
  try {
    await client.connect();
    // ALTER ROLE takes no parameters; the server stores the SCRAM verifier, not the text.
    await client.query(
      `alter role ${client.escapeIdentifier(options.user)} password ${client.escapeLiteral(options.password)}`,
    );
    return ok(`set the password of ${options.user} to POSTGRES_PASSWORD (TCP refused it)`);
  } catch (error) {
    return err(
      `TCP refused POSTGRES_PASSWORD for ${options.user}, and setting it through the socket failed: ${messageOf(error)}`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}
