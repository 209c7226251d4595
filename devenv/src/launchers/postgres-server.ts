import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { describeOutcome, runCommand } from '../process/run-command.js';
import { err, ok, type Result } from '../result.js';
import { recoverStaleServer } from './stale-server-recovery.js';
import { findSystemUser, type SystemUser } from './system-user.js';

export interface PostgresServerOptions {
  /** The `postgres` executable; `initdb` is expected beside it, as distributions install them. */
  readonly postgres: string;
  readonly dataDir: string;
  readonly port: number;
  /** Superuser and database to create, as the official image's POSTGRES_USER / POSTGRES_DB. */
  readonly user: string;
  readonly database: string;
  readonly log: (line: string) => void;
  /** Aborted on SIGTERM/SIGINT: the server shuts down (fast: open sessions are ended). */
  readonly stop: AbortSignal;
}

/**
 * Runs a throwaway development PostgreSQL: initialises the data directory on first use (trust
 * auth on loopback, user `postgres`), then runs the server in the foreground until `stop`.
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user. What a
 * killed previous run left behind is cleared first (stale-server-recovery.ts).
 */
export async function runPostgresServer(
  options: PostgresServerOptions,
): Promise<Result<number, string>> {
  const user =
    process.getuid?.() === 0 ? (findSystemUser('postgres') ?? findSystemUser('nobody')) : undefined;
  if (process.getuid?.() === 0 && !user)
    return err('running as root and no postgres or nobody user exists to run PostgreSQL as');
  const dataDir =
    user && !traversableByOthers(dirname(options.dataDir))
      ? fallbackDataDir(options.dataDir)
      : options.dataDir;
  if (dataDir !== options.dataDir)
    options.log(`${user?.name} cannot reach ${options.dataDir}; using ${dataDir}`);
  const socketDir = join(dirname(dataDir), 'socket');
  for (const dir of [dirname(dataDir), socketDir]) {
    mkdirSync(dir, { recursive: true });
    if (user) chownSync(dir, user.uid, user.gid);
  }
  const asUser = user ? { uid: user.uid, gid: user.gid } : {};
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    const initdb = join(dirname(options.postgres), 'initdb');
    options.log(`initialising ${dataDir}${user ? ` as ${user.name}` : ''}`);
    const outcome = await runAs(user, initdb, [
      '-D',
      dataDir,
      '-U',
      options.user,
      '--auth=trust',
      '--encoding=UTF8',
      '--no-instructions',
    ]);
    if (outcome.code !== 0) return err(`initdb failed: ${describeOutcome(outcome)}`);
  }
  const recovered = await recoverStaleServer(dataDir, socketDir);
  if (!recovered.ok) return recovered;
  for (const line of recovered.value) options.log(line);
  const child = spawn(
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
  const created = await ensureDatabase(options, serverGone);
  if (created) options.log(created);
  return exited;
}

/** Like the official image: the database named by POSTGRES_DB exists once the server is up. */
async function ensureDatabase(
  options: PostgresServerOptions,
  serverGone: { readonly value: boolean },
): Promise<string | undefined> {
  const deadline = Date.now() + 60_000;
  // Stops with the server: a retry loop left running would keep this process alive after it.
  while (Date.now() < deadline && !serverGone.value) {
    const client = new pg.Client({
      host: '127.0.0.1',
      port: options.port,
      user: options.user,
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
        return `created database ${options.database}`;
      }
      return undefined;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await client.end().catch(() => {});
    }
  }
  return serverGone.value
    ? undefined
    : `gave up creating database ${options.database}: the server did not accept connections within 60 s`;
}

/** Whether a user other than the owner can reach `dir` (every ancestor has o+x). */
function traversableByOthers(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    try {
      if (existsSync(d) && (statSync(d).mode & 0o001) === 0) return false;
    } catch {
      return false;
    }
    if (d === dirname(d)) return true;
  }
}

/** A place the service user can reach, stable per project so data survives restarts. */
function fallbackDataDir(dataDir: string): string {
  const key = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
  return join(tmpdir(), `devenv-postgres-${key}`, 'data');
}

function runAs(user: SystemUser | undefined, command: string, args: string[]) {
  // initdb refuses root as well.
  return runCommand(command, args, { cwd: '/', ...(user ? { uid: user.uid, gid: user.gid } : {}) });
}
