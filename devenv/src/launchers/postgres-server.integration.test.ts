/**
 * `devenv postgres-server` as the stack runs it: a real process leading its own process group,
 * on both engines (the PostgreSQL server installed here, and the embedded PGlite), with real
 * clients, real SIGKILLs of the whole group and real restarts on the same data.
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../../test/temp-dir.js';
import { withoutPostgresServer } from '../postgres/hide-postgres.js';
import { startupMessage } from '../postgres/shared-session.js';
import { freePort } from '../process/free-port.js';
import { groupExists } from '../runtime/process-group.js';
import {
  dataRoot as dataRootIn,
  killGroup,
  killLaunchedAfterEach,
  launch,
  query,
  ready,
  stop,
} from './postgres-server.test-support.js';
import { findSystemUser } from './system-user.js';

const makeTempDir = useTempDirs('devenv-pg-');
const dataRoot = () => dataRootIn(makeTempDir);
const ENGINES = ['postgres', 'pglite'] as const;
killLaunchedAfterEach();

describe.each(ENGINES)('devenv postgres-server --engine %s', (engine) => {
  it('serves POSTGRES_DB as POSTGRES_USER, and a SIGTERM stops it cleanly', async () => {
    const root = await dataRoot();
    const run = launch(root, await freePort(), engine);
    await ready(run);
    const [who] = await query<{ db: string; role: string }>(
      run.url,
      'select current_database() as db, current_user as role',
    );
    expect(who).toEqual({ db: 'timecop', role: 'timecop' });
    expect(await stop(run)).toEqual({ code: 0, signal: null });
    expect(groupExists(run.child.pid!)).toBe(false);
    // Shut down, not crashed: no lock of any kind is left for the next start to judge.
    const dir = join(root, engine === 'postgres' ? 'data' : 'pglite');
    expect(existsSync(join(dir, 'postmaster.pid'))).toBe(false);
    expect(existsSync(`${join(root, 'pglite')}.lock`)).toBe(false);
  }, 120_000);

  it('comes back after a SIGKILL of its process group, with the data written before it', async () => {
    const root = await dataRoot();
    const port = await freePort();
    const first = launch(root, port, engine);
    await ready(first);
    await query(first.url, 'create table kept (n int)');
    await query(first.url, 'insert into kept values (1), (2), (3)');
    // An open connection, as the worker's pool keeps, at the moment of the kill.
    const open = new pg.Client({ connectionString: first.url });
    open.on('error', () => {});
    await open.connect();
    await killGroup(first);

    const second = launch(root, port, engine);
    await ready(second);
    expect(await query(second.url, 'select 1 as one')).toEqual([{ one: 1 }]);
    expect(await query(second.url, 'select sum(n)::int as total from kept')).toEqual([
      { total: 6 },
    ]);
    await open.end().catch(() => {});
    expect(await stop(second)).toEqual({ code: 0, signal: null });
  }, 180_000);
});

describe('devenv postgres-server --engine postgres, recovering what a killed run left', () => {
  it('kills a backend the killed postmaster left busy (it would hold the old shared memory)', async () => {
    const root = await dataRoot();
    const port = await freePort();
    const first = launch(root, port, 'postgres');
    await ready(first);
    const busy = new pg.Client({ connectionString: first.url });
    busy.on('error', () => {});
    await busy.connect();
    const [{ pid: backend } = { pid: 0 }] = (
      await busy.query<{ pid: number }>('select pg_backend_pid() as pid')
    ).rows;
    // CPU-bound: the backend does not look for its postmaster until the query ends (hours).
    const running = busy.query('select count(*) from generate_series(1, 1e12)').catch(() => {});
    await sleep(200);
    await killGroup(first);
    expect(existsSync(`/proc/${backend}`)).toBe(true);

    const second = launch(root, port, 'postgres');
    await ready(second);
    expect(second.output()).toMatch(/killed 1 server process\(es\) left by a previous run/);
    expect(await query(second.url, 'select 1 as one')).toEqual([{ one: 1 }]);
    await running;
    await busy.end().catch(() => {});
    expect(await stop(second)).toEqual({ code: 0, signal: null });
  }, 180_000);

  it('takes over lock files whose pid now belongs to another process of the server’s user', async () => {
    const root = await dataRoot();
    const port = await freePort();
    const first = launch(root, port, 'postgres');
    await ready(first);
    await killGroup(first);
    // What a reboot or a container restart does: the recorded pid is some other live process,
    // of the user PostgreSQL runs as (another user's would get EPERM, which PostgreSQL ignores).
    const user = process.getuid?.() === 0 ? findSystemUser('postgres') : undefined;
    const stranger = spawn('sleep', ['600'], {
      stdio: 'ignore',
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    });
    const dataLock = join(root, 'data', 'postmaster.pid');
    const socketLock = join(root, 'socket', `.s.PGSQL.${port}.lock`);
    for (const lock of [dataLock, socketLock]) {
      const lines = (await readFile(lock, 'utf8')).split('\n');
      await writeFile(lock, [String(stranger.pid), ...lines.slice(1)].join('\n'));
    }
    try {
      const second = launch(root, port, 'postgres');
      await ready(second);
      expect(second.output()).toContain(
        `${dataLock} named pid ${stranger.pid}, no server any more: handed to PostgreSQL as stale`,
      );
      expect(second.output()).toContain(`removed ${socketLock}: its pid ${stranger.pid}`);
      expect(await stop(second)).toEqual({ code: 0, signal: null });
    } finally {
      stranger.kill('SIGKILL');
    }
  }, 180_000);
});

describe('devenv postgres-server --engine pglite', () => {
  it('runs when no PostgreSQL server is installed (auto), and says so', async () => {
    const run = launch(
      await dataRoot(),
      await freePort(),
      undefined,
      withoutPostgresServer(process.env),
    );
    await ready(run);
    expect(run.output()).toMatch(
      /embedded PGlite \d+\.\d+\.\d+ \(no PostgreSQL server: postgres .* not found/,
    );
    expect(await stop(run)).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('refuses a data directory another live server uses, naming it', async () => {
    const root = await dataRoot();
    const first = launch(root, await freePort(), 'pglite');
    await ready(first);
    const second = launch(root, await freePort(), 'pglite');
    expect((await second.exited).code).toBe(1);
    expect(second.output()).toContain(
      `${join(root, 'pglite')} is in use by process ${first.child.pid}`,
    );
    expect(await query(first.url, 'select 1 as one')).toEqual([{ one: 1 }]);
  }, 120_000);

  it('keeps each connection’s parameterised queries whole while another holds a transaction', async () => {
    const run = launch(await dataRoot(), await freePort(), 'pglite');
    await ready(run);
    const connect = async () => {
      const client = new pg.Client({ connectionString: run.url });
      await client.connect();
      return client;
    };
    const holder = await connect();
    const others = await Promise.all([1, 2, 3, 4].map(connect));
    const answers: unknown[] = [];
    for (let round = 0; round < 3; round++) {
      await holder.query('begin');
      await holder.query('select 1');
      // Queued behind the transaction; different statements, so a mixed-up Bind shows.
      const pending = others.map((client, i) =>
        (i % 2 === 0
          ? client.query<{ v: number }>('select $1::int as v', [round * 10 + i])
          : client.query<{ v: number }>("select 'x' as x, $1::int as v, $2::text as w", [
              round * 10 + i,
              'w',
            ])
        ).then(
          (r) => r.rows[0]?.v,
          (e: Error) => e.message,
        ),
      );
      await sleep(50);
      await holder.query('commit');
      answers.push(...(await Promise.all(pending)));
    }
    expect(answers).toEqual([0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23]);
    await Promise.all([holder, ...others].map((c) => c.end()));
  }, 120_000);

  it('ends the exchange of a client that leaves between Parse and Sync, for the others', async () => {
    const port = await freePort();
    const run = launch(await dataRoot(), port, 'pglite');
    await ready(run);
    // A raw client: startup, then a Parse with no Sync after it, then gone.
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write(startupMessage({ user: 'timecop', database: 'timecop' }));
    await once(socket, 'data');
    const statement = Buffer.from('select 42\0', 'utf8');
    const parse = Buffer.alloc(1 + 4 + 1 + statement.length + 2);
    parse.write('P', 0);
    parse.writeInt32BE(parse.length - 1, 1);
    statement.copy(parse, 6); // after the empty statement name
    socket.write(parse);
    await sleep(200);
    socket.destroy();
    await sleep(200);
    // Were the exchange still open, the queue would keep serving only whoever spoke last: this
    // idle client after its simple query, and the next client's query would wait for ever.
    const idle = new pg.Client({ connectionString: run.url });
    await idle.connect();
    await idle.query('select 1');
    expect(await query(run.url, 'select $1::int as v', [7])).toEqual([{ v: 7 }]);
    await idle.end();
  }, 60_000);

  it('gives every client the same session start: one client’s startup parameters reach no other', async () => {
    const run = launch(await dataRoot(), await freePort(), 'pglite');
    await ready(run);
    // replication=database on the shared session would refuse every later parameterised query.
    const replication = new pg.Client({
      connectionString: `${run.url}?replication=database`,
    });
    replication.on('error', () => {});
    await replication.connect();
    await replication.end();
    expect(await query(run.url, 'select $1::text as v', ['still fine'])).toEqual([
      { v: 'still fine' },
    ]);
  }, 120_000);
});
