import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { takeDataDirLock } from '../postgres/data-dir-lock.js';
import { guardSharedSession } from '../postgres/shared-session.js';
import { err, messageOf, ok, type Result } from '../../shared/result.js';

export interface PgliteServerOptions {
  readonly dataDir: string;
  readonly port: number;
  /** Role and database to create, as the official image's POSTGRES_USER / POSTGRES_DB. */
  readonly user: string;
  readonly database: string;
  readonly log: (line: string) => void;
  /** Aborted on SIGTERM/SIGINT: stop serving, close the database cleanly. */
  readonly stop: AbortSignal;
}

/**
 * Connections served at once (PostgreSQL's default max_connections). They all share PGlite's
 * one session and their queries run one at a time, so more buys nothing.
 */
export const PGLITE_MAX_CONNECTIONS = 100;

/**
 * PGlite's default of 128 MB is resident from the start (measured: 289 MB RSS after opening, 195
 * MB with 16 MB); a development database's working set fits in far less.
 */
const SHARED_BUFFERS = '16MB';

/** What the data directory was set up for; when it matches, the start skips the set-up pass. */
const IDENTITY_FILE = 'devenv-identity';

/**
 * Runs PGlite (Postgres compiled to WebAssembly, in this process) behind pglite-socket's
 * Postgres wire-protocol server on 127.0.0.1:`port`, until `stop` is aborted. The data
 * directory persists; on first use it gets the role and database asked for.
 */
export async function runPgliteServer(
  options: PgliteServerOptions,
): Promise<Result<number, string>> {
  await mkdir(dirname(options.dataDir), { recursive: true });
  const lock = await takeDataDirLock(`${options.dataDir}.lock`, options.dataDir);
  if (!lock.ok) return lock;
  try {
    const db = await openDatabase(options);
    if (!db.ok) return db;
    const server = new PGLiteSocketServer({
      db: guardSharedSession(db.value, options),
      host: '127.0.0.1',
      port: options.port,
      maxConnections: PGLITE_MAX_CONNECTIONS,
    });
    try {
      await server.start();
    } catch (error) {
      await db.value.close();
      return err(`cannot listen on 127.0.0.1:${options.port}: ${messageOf(error)}`);
    }
    const version = await db.value.query<{ v: string }>(
      "select current_setting('server_version') as v",
    );
    options.log(
      `PGlite (PostgreSQL ${version.rows[0]?.v ?? '?'}) serves database ${options.database} as ${options.user} on 127.0.0.1:${options.port}, data in ${options.dataDir}`,
    );
    await aborted(options.stop);
    await server.stop();
    // A clean close checkpoints: the next start has no recovery to do.
    await db.value.close();
    return ok(0);
  } finally {
    lock.value();
  }
}

async function openDatabase(options: PgliteServerOptions): Promise<Result<PGlite, string>> {
  const identity = `${options.user}\n${options.database}\n`;
  const marker = join(options.dataDir, IDENTITY_FILE);
  try {
    if (readIfExists(marker) !== identity) {
      // PGlite opens only a database that exists: make it first, from the default one.
      const fresh = !existsSync(join(options.dataDir, 'PG_VERSION'));
      if (fresh) options.log(`initialising ${options.dataDir}`);
      const admin = await PGlite.create({ dataDir: options.dataDir });
      try {
        for (const line of await createIdentity(admin, options)) options.log(line);
      } finally {
        await admin.close();
      }
      writeFileSync(marker, identity);
    }
    // username: the session runs as that role (SET ROLE), so what it creates belongs to it.
    return ok(
      await PGlite.create({
        dataDir: options.dataDir,
        database: options.database,
        username: options.user,
        startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${SHARED_BUFFERS}`],
      }),
    );
  } catch (error) {
    return err(`PGlite cannot open ${options.dataDir}: ${messageOf(error)}`);
  }
}

/** Like the official image: a superuser POSTGRES_USER and a database POSTGRES_DB it owns. */
async function createIdentity(db: PGlite, options: PgliteServerOptions): Promise<string[]> {
  const done: string[] = [];
  const user = quoteIdentifier(options.user);
  const role = await db.query('select 1 from pg_roles where rolname = $1', [options.user]);
  if (role.rows.length === 0) {
    await db.exec(`create role ${user} superuser login`);
    done.push(`created role ${options.user}`);
  }
  const found = await db.query('select 1 from pg_database where datname = $1', [options.database]);
  if (found.rows.length === 0) {
    await db.exec(`create database ${quoteIdentifier(options.database)} owner ${user}`);
    done.push(`created database ${options.database}`);
  }
  return done;
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
}
