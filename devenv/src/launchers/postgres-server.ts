import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { describeOutcome, runCommand } from '../process/run-command.js';
import { err, ok, type Result } from '../../shared/result.js';
import { ensureClientAuth, ensurePassword, withPasswordFile } from './postgres-auth.js';
import { prepareServerHome } from './postgres-home.js';
import { recoverStaleServer } from './stale-server-recovery.js';
import { findSystemUser, type SystemUser } from './system-user.js';

export interface PostgresServerOptions {
  /** The `postgres` executable; `initdb` is expected beside it, as distributions install them. */
  readonly postgres: string;
  readonly dataDir: string;
  readonly port: number;
  /** Superuser and database to create, as the official image's POSTGRES_USER / POSTGRES_DB. */
  readonly user: string;
  /** The superuser's password (POSTGRES_PASSWORD), checked on TCP with scram-sha-256. */
  readonly password: string;
  readonly database: string;
  readonly log: (line: string) => void;
  /** Aborted on SIGTERM/SIGINT: the server shuts down (fast: open sessions are ended). */
  readonly stop: AbortSignal;
}

/**
 * Runs a throwaway development PostgreSQL: initialises the data directory on first use, then runs
 * the server in the foreground until `stop`. TCP takes the superuser's password (scram-sha-256),
 * the socket only the OS user running devenv (peer); a data directory an older devenv set up
 * with trust is brought to the same rules (client-auth.ts). PostgreSQL refuses to run as root,
 * so as root it runs as the `postgres` system user, with its data where that user may go
 * (postgres-home.ts). What a killed previous run left behind is cleared first
 * (stale-server-recovery.ts).
 */
export async function runPostgresServer(
  options: PostgresServerOptions,
): Promise<Result<number, string>> {
  const user =
    process.getuid?.() === 0 ? (findSystemUser('postgres') ?? findSystemUser('nobody')) : undefined;
  if (process.getuid?.() === 0 && !user)
    return err('running as root and no postgres or nobody user exists to run PostgreSQL as');
  const home = await prepareServerHome(options.dataDir, user, options.log);
  if (!home.ok) return home;
  const { dataDir, socketDir } = home.value;
  // Before anything is written there: a live server of another run must keep its files.
  const recovered = await recoverStaleServer(dataDir, socketDir);
  if (!recovered.ok) return recovered;
  for (const line of recovered.value) options.log(line);
  const asUser = user ? { uid: user.uid, gid: user.gid } : {};
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  if (fresh) {
    const initialised = await initialiseCluster(options, dataDir, socketDir, user);
    if (!initialised.ok) return initialised;
  }
  const auth = ensureClientAuth(dataDir, { fresh, superuser: options.user, user });
  if (!auth.ok) return auth;
  if (auth.value) options.log(auth.value);
  const child = spawnServer(options, dataDir, socketDir, asUser);
  // Fast shutdown (SIGINT) rather than smart (SIGTERM), which would wait for clients to leave.
  const forward = () => child.kill('SIGINT');
  if (options.stop.aborted) forward();
  else options.stop.addEventListener('abort', forward, { once: true });
  const exited = new Promise<Result<number, string>>((resolve) => {
    child.once('error', (error) => resolve(err(`cannot start postgres: ${error.message}`)));
    child.once('exit', (code, signal) => resolve(ok(code ?? (signal ? 1 : 0))));
  });
  const serverGone = { value: false };
  void exited.then(() => (serverGone.value = true));
  for (const line of await ensureDatabase(options, socketDir, serverGone)) options.log(line);
  return exited;
}

/**
 * Like the official image: the superuser's password is POSTGRES_PASSWORD (set through the socket
 * when TCP refuses it: a data directory from before, or a changed password) and the database
 * named by POSTGRES_DB exists, once the server is up.
 */
async function ensureDatabase(
  options: PostgresServerOptions,
  socketDir: string,
  serverGone: { readonly value: boolean },
): Promise<string[]> {
  const deadline = Date.now() + 60_000;
  const done: string[] = [];
  let passwordSet = false;
  // Stops with the server: a retry loop left running would keep this process alive after it.
  while (Date.now() < deadline && !serverGone.value) {
    const client = new pg.Client({
      host: '127.0.0.1',
      port: options.port,
      user: options.user,
      password: options.password,
      database: 'postgres',
    });
    client.on('error', () => {});
    try {
      await client.connect();
      const found = await client.query('select 1 from pg_database where datname = $1', [
        options.database,
      ]);
      if (found.rowCount === 0) {
        await client.query(`create database "${options.database.replace(/"/g, '""')}"`);
        done.push(`created database ${options.database}`);
      }
      return done;
    } catch (error) {
      if ((error as { code?: unknown }).code === '28P01' && !passwordSet) {
        passwordSet = true;
        const set = await ensurePassword(socketDir, options);
        done.push(set.ok ? set.value : set.error);
        if (!set.ok) return done;
        continue;
      }
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await client.end().catch(() => {});
    }
  }
  if (!serverGone.value)
    done.push(
      `gave up creating database ${options.database}: the server did not accept connections within 60 s`,
    );
  return done;
}

function runAs(user: SystemUser | undefined, command: string, args: string[]) {
  // initdb refuses root as well.
  return runCommand(command, args, { cwd: '/', ...(user ? { uid: user.uid, gid: user.gid } : {}) });
}

/** initdb with password auth on TCP (the password from a 0600 file) and peer on the socket. */
async function initialiseCluster(
  options: PostgresServerOptions,
  dataDir: string,
  socketDir: string,
  user: SystemUser | undefined,
): Promise<Result<void, string>> {
  const initdb = join(dirname(options.postgres), 'initdb');
  options.log(`initialising ${dataDir}${user ? ` as ${user.name}` : ''}`);
  const outcome = await withPasswordFile(socketDir, options.password, user, (pwfile) =>
    runAs(user, initdb, [
      '-D',
      dataDir,
      '-U',
      options.user,
      '--auth-local=peer',
      '--auth-host=scram-sha-256',
      `--pwfile=${pwfile}`,
      '--encoding=UTF8',
      '--no-instructions',
    ]),
  );
  return outcome.code === 0 ? ok(undefined) : err(`initdb failed: ${describeOutcome(outcome)}`);
}

function spawnServer(
  options: PostgresServerOptions,
  dataDir: string,
  socketDir: string,
  asUser: { uid?: number; gid?: number },
) {
  return spawn(
    options.postgres,
    [
      '-D',
      dataDir,
      '-p',
      String(options.port),
      '-k',
      socketDir,
      '-c',
      'listen_addresses=127.0.0.1',
      // A development database: no fsync, so only an OS crash can lose data. A killed server
      // loses nothing committed: each commit still writes its WAL (synchronous_commit stays on;
      // off would leave the last ~0.6 s of commits to the WAL writer, which dies with it).
      '-c',
      'fsync=off',
      '-c',
      'full_page_writes=off',
    ],
    { stdio: 'inherit', ...asUser },
  );
}
