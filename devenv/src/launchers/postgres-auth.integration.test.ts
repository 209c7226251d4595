/**
 * Who may connect to `devenv postgres-server --engine postgres`, and where its data lives: real
 * initdb, real servers, real clients on TCP and on the socket, and a cluster an older devenv
 * initialised with trust authentication.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { useTempDirs } from '../../test/temp-dir.js';
import { waitUntil } from '../../test/wait-until.js';
import { hbaMethods } from '../postgres/client-auth.js';
import { freePort } from '../process/free-port.js';
import { runCommand } from '../process/run-command.js';
import { findExecutable } from '../process/executable.js';
import {
  dataRoot as dataRootIn,
  killLaunchedAfterEach,
  launch,
  query,
  ready,
  stop,
  type Launched,
} from './postgres-server.test-support.js';
import { findSystemUser } from './system-user.js';

const makeTempDir = useTempDirs('devenv-pg-auth-');
const dataRoot = () => dataRootIn(makeTempDir);
killLaunchedAfterEach();

const asRoot = process.getuid?.() === 0;
/** Who PostgreSQL runs as: the postgres user as root, else ourselves. */
const serverUser = asRoot ? findSystemUser('postgres') : undefined;

/** Private homes the launcher made in the temporary directory, removed after each test. */
const homes: string[] = [];
afterEach(async () => {
  await Promise.all(homes.splice(0).map((home) => rm(home, { recursive: true, force: true })));
});

/** The pg error a connection with these credentials gets, or 'connected'. */
async function tryConnect(config: pg.ClientConfig): Promise<string> {
  const client = new pg.Client({ ...config, connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return 'connected';
  } catch (error) {
    return (error as { code?: string }).code ?? (error as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}

function tcp(port: number, password: string | undefined, database = 'timecop'): pg.ClientConfig {
  return { host: '127.0.0.1', port, user: 'timecop', database, password };
}

async function postgresBinary(name: string): Promise<string> {
  const postgres = await findExecutable('postgres', process.env['PATH'] ?? '');
  if (!postgres) throw new Error('PostgreSQL is not installed here (postgres not on PATH)');
  return join(dirname(postgres), name);
}

function asServerUser() {
  return serverUser ? { uid: serverUser.uid, gid: serverUser.gid } : {};
}

/** Made for PostgreSQL's user (as initdb and the server run as it). */
async function serverDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  if (serverUser) await chown(path, serverUser.uid, serverUser.gid);
}

describe('devenv postgres-server --engine postgres: authentication', () => {
  it('takes the password on TCP, and the socket only from the OS user running devenv', async () => {
    const root = await dataRoot();
    const port = await freePort();
    const run = launch(root, port, 'postgres');
    await ready(run);
    expect(await tryConnect(tcp(port, 'timecop'))).toBe('connected');
    // 28P01: invalid_password. Before, trust let anyone in as the superuser.
    expect(await tryConnect(tcp(port, 'wrong'))).toBe('28P01');
    expect(await tryConnect(tcp(port, undefined))).not.toBe('connected');
    const socketDir = join(root, 'socket');
    expect(await tryConnect({ host: socketDir, port, user: 'timecop', database: 'timecop' })).toBe(
      'connected',
    );
    const hba = readFileSync(join(root, 'data', 'pg_hba.conf'), 'utf8');
    expect(new Set(hbaMethods(hba))).toEqual(new Set(['peer', 'scram-sha-256']));
    expect(statSync(socketDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(root, 'data')).mode & 0o777).toBe(0o700);
    // No password file is left behind.
    expect(readdirSync(socketDir).filter((n) => n.startsWith('.pwfile'))).toEqual([]);
    if (asRoot) {
      // Another OS user on the socket: psql as nobody is refused (the socket directory is
      // closed to it, and peer would map nobody to no role).
      const nobody = findSystemUser('nobody')!;
      const psql = await runCommand(
        await postgresBinary('psql'),
        ['-h', socketDir, '-p', String(port), '-U', 'timecop', '-d', 'timecop', '-c', 'select 1'],
        { cwd: '/', uid: nobody.uid, gid: nobody.gid, env: { PATH: process.env['PATH'] } },
      );
      expect(psql.code).not.toBe(0);
    }
    expect(await stop(run)).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('refuses to start without POSTGRES_PASSWORD, saying what to set', async () => {
    const run = launch(await dataRoot(), await freePort(), 'postgres', process.env, {
      POSTGRES_USER: 'timecop',
      POSTGRES_DB: 'timecop',
      POSTGRES_PASSWORD: '',
    });
    expect((await run.exited).code).toBe(1);
    expect(run.output()).toContain('POSTGRES_PASSWORD is not set');
  }, 60_000);

  it('brings a data directory initialised with trust to passwords, keeping its data', async () => {
    const root = await dataRoot();
    const port = await freePort();
    const data = join(root, 'data');
    const socketDir = join(root, 'socket');
    await serverDir(data);
    await serverDir(socketDir);
    // What devenv's initdb did before.
    const initdb = await runCommand(
      await postgresBinary('initdb'),
      ['-D', data, '-U', 'timecop', '--auth=trust', '--encoding=UTF8', '--no-instructions'],
      { cwd: '/', ...asServerUser() },
    );
    expect(initdb.code, initdb.tail).toBe(0);
    const old = spawn(
      await postgresBinary('postgres'),
      ['-D', data, '-p', String(port), '-k', socketDir, '-c', 'listen_addresses=127.0.0.1'],
      { stdio: 'ignore', ...asServerUser() },
    );
    const oldExited = new Promise((resolve) => old.once('exit', resolve));
    try {
      await waitUntil('the trusting server answers', 30_000, async () =>
        (await tryConnect(tcp(port, undefined, 'postgres'))) === 'connected' ? true : undefined,
      );
      const url = `postgres://timecop@127.0.0.1:${port}/postgres`;
      await query(url, 'create table kept (n int)');
      await query(url, 'insert into kept values (1), (2)');
    } finally {
      old.kill('SIGINT');
      await oldExited;
    }

    const run = launch(root, port, 'postgres');
    await ready(run);
    expect(run.output()).toContain(`${join(data, 'pg_hba.conf')} trusted every local connection`);
    expect(run.output()).toContain('set the password of timecop to POSTGRES_PASSWORD');
    expect(await tryConnect(tcp(port, 'wrong', 'postgres'))).toBe('28P01');
    const password = `postgres://timecop:timecop@127.0.0.1:${port}/postgres`;
    expect(await query(password, 'select sum(n)::int as total from kept')).toEqual([{ total: 3 }]);
    expect(hbaMethods(readFileSync(join(data, 'pg_hba.conf.trust'), 'utf8'))).toContain('trust');
    expect(await stop(run)).toEqual({ code: 0, signal: null });
  }, 180_000);
});

describe('devenv postgres-server --engine postgres: where the data lives', () => {
  /** Where the launcher put the data when the server's user cannot enter `root`. */
  async function recordedHome(root: string): Promise<string> {
    const home = (await readFile(join(root, 'server-home'), 'utf8')).trim();
    homes.push(home);
    return home;
  }

  async function withTable(run: Launched, rows: string): Promise<void> {
    await ready(run);
    await query(run.url, 'create table kept (n int)');
    await query(run.url, `insert into kept values ${rows}`);
  }

  it('keeps out of a directory the server user cannot enter: a private one of its own, found again', async () => {
    const root = await makeTempDir(); // 0700, ours: like .devenv/
    const port = await freePort();
    const data = join(root, 'data');
    const first = launch(root, port, 'postgres', process.env, undefined, data);
    await withTable(first, '(5)');
    expect(await stop(first)).toEqual({ code: 0, signal: null });
    if (!asRoot) {
      // Not root: the server runs as us and the data stays where it was asked to be.
      expect(existsSync(join(data, 'PG_VERSION'))).toBe(true);
      return;
    }
    const home = await recordedHome(root);
    expect(dirname(home)).toBe(tmpdir());
    const stat = statSync(home);
    expect({ uid: stat.uid, mode: stat.mode & 0o777 }).toEqual({
      uid: serverUser!.uid,
      mode: 0o700,
    });
    expect(existsSync(join(home, 'data', 'PG_VERSION'))).toBe(true);
    // Not the predictable /tmp/devenv-postgres-<sha of the path> of before.
    const predictable = join(
      tmpdir(),
      `devenv-postgres-${createHash('sha256').update(data).digest('hex').slice(0, 12)}`,
    );
    expect(existsSync(predictable)).toBe(false);

    const second = launch(root, port, 'postgres', process.env, undefined, data);
    await ready(second);
    expect(second.output()).not.toContain('cannot enter');
    expect(await query(second.url, 'select sum(n)::int as total from kept')).toEqual([
      { total: 5 },
    ]);
    expect(await stop(second)).toEqual({ code: 0, signal: null });
  }, 180_000);

  it('moves data the server user could reach before into its private home once the parent closes', async () => {
    const root = await dataRoot(); // 0755: reachable, the data stays beside
    const port = await freePort();
    const first = launch(root, port, 'postgres');
    await withTable(first, '(7), (8)');
    expect(await stop(first)).toEqual({ code: 0, signal: null });
    await chmod(root, 0o700); // what tightening .devenv/ does
    const second = launch(root, port, 'postgres');
    await ready(second);
    expect(await query(second.url, 'select sum(n)::int as total from kept')).toEqual([
      { total: 15 },
    ]);
    expect(await stop(second)).toEqual({ code: 0, signal: null });
    if (!asRoot) return; // the server runs as us: nothing to move
    const home = await recordedHome(root);
    expect(second.output()).toContain(
      `moved the data of ${join(root, 'data')} to ${join(home, 'data')}`,
    );
    expect(existsSync(join(root, 'data'))).toBe(false);
  }, 180_000);

  it('does not use a recorded home that is not what it made', async () => {
    const root = await makeTempDir();
    // Made by someone else (here: root, not the server's user), with the launcher's prefix.
    const foreign = await mkdtemp(join(tmpdir(), 'devenv-postgres-'));
    homes.push(foreign);
    await writeFile(join(root, 'server-home'), `${foreign}\n`);
    const run = launch(
      root,
      await freePort(),
      'postgres',
      process.env,
      undefined,
      join(root, 'data'),
    );
    await ready(run);
    expect(await stop(run)).toEqual({ code: 0, signal: null });
    if (!asRoot) return;
    const home = await recordedHome(root);
    expect(home).not.toBe(foreign);
    expect(existsSync(join(foreign, 'data'))).toBe(false);
  }, 120_000);
});
