/**
 * `devenv exec` and `devenv run` from a second terminal against a real `devenv up` of a small
 * stack in a temp directory: real processes, real environments read back from them, real exit
 * codes and signals, and one-off runs whose dependencies the running devenv starts first.
 */
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devenvPs, startDevenv, type DevenvRun, runDevenv } from '../../test/devenv-process.js';
import { useTempDirs } from '../../test/temp-dir.js';
import { PROJECT_ROOT } from '../project-root.js';
import { freePort } from '../process/free-port.js';

const env = { ...process.env, DEVENV_METRICS_PORT: 'off', SHOP_DB: 'orders' };
const makeTempDir = useTempDirs('devenv-exec-run-');

/** `devenv <args>` as a second terminal runs it, in `cwd`, with `extraEnv` on top of the test's. */
const devenv = (cwd: string, args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}) =>
  runDevenv(args, { cwd, env: { ...env, ...extraEnv }, file: 'compose.yaml' });

/**
 * `db` listens on a TCP port (its probe); `migrate` depends on it being healthy and is a one-shot
 * task that must not run with the stack; `idle` runs until stopped.
 */
function composeFile(dbPort: number): string {
  const node = JSON.stringify(process.execPath);
  const listen = `require('node:net').createServer(s => s.end()).listen(${dbPort}, '127.0.0.1')`;
  return `
name: exec-run
services:
  db:
    image: demo/db:1
    environment:
      DB_NAME: \${SHOP_DB:-shop}
    x-devenv:
      native:
        cwd: ./db-home
        requires: [temporal]
        command: [${node}, -e, "${listen}"]
      probe: { tcp: { host: 127.0.0.1, port: ${dbPort} } }
  migrate:
    image: demo/migrate:1
    profiles: [tasks]
    depends_on:
      db: { condition: service_healthy }
    environment:
      MIGRATE_TARGET: \${SHOP_DB:-shop}
    x-devenv:
      native:
        command: [${node}, -e, "console.log('migrated', process.env.MIGRATE_TARGET)"]
  idle:
    image: demo/idle:1
    x-devenv:
      native:
        command: [${node}, -e, "setInterval(() => {}, 1000)"]
`;
}

/** A one-off command that exits 0 when `port` answers, 9 when nothing listens there. */
function connects(port: number): string[] {
  const script = `require('node:net').connect(${port}, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(9))`;
  return [process.execPath, '-e', script];
}

describe('devenv exec and run against a running stack', () => {
  let dir: string;
  let dbPort: number;
  let up: DevenvRun;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'devenv-exec-run-'));
    await mkdir(join(dir, 'db-home'));
    dbPort = await freePort();
    await writeFile(join(dir, 'compose.yaml'), composeFile(dbPort));
    up = startDevenv(['up', '-f', 'compose.yaml'], dir, env);
    await up.waitFor(/db\s+healthy/);
    await up.waitFor(/idle\s+healthy/);
  }, 60_000);
  afterAll(async () => {
    up?.child.kill('SIGINT');
    expect((await up?.exited)?.code).toBe(0);
    await rm(dir, { recursive: true, force: true });
  });

  it("exec: the service's own environment (interpolated, with the session token) and directory", async () => {
    const { code, stdout } = await devenv(
      dir,
      ['exec', 'db', 'sh', '-c', 'echo "$DB_NAME|$DEVENV_SESSION_TOKEN|$PWD|$SHOP_DB"'],
      { SHOP_DB: 'not-this-shell' },
    );
    expect(code).toBe(0);
    const token = (await readFile(join(dir, '.devenv', 'session-token'), 'utf8')).trim();
    // The process's environment, not this shell's: devenv up's SHOP_DB (inherited, and
    // interpolated into DB_NAME), not the one exec was started with.
    expect(stdout.trim()).toBe(`orders|${token}|${join(dir, 'db-home')}|orders`);
  });

  it("exec: the service's tools are first on PATH", async () => {
    const { code, stdout } = await devenv(dir, ['exec', 'db', 'temporal', '--version']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^temporal version /);
  });

  it('exec: -e and -w as in Compose, options after the service belong to the command', async () => {
    const { code, stdout } = await devenv(dir, [
      'exec',
      '-e',
      'EXTRA=1',
      '-w',
      '..',
      'db',
      '--',
      'sh',
      '-c',
      'echo "$EXTRA $PWD" -e',
    ]);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(`1 ${dir} -e`);
  });

  it("exec: the command's exit code, 128+n for a signal, 127 for a missing command", async () => {
    expect((await devenv(dir, ['exec', 'db', 'sh', '-c', 'exit 42'])).code).toBe(42);
    expect((await devenv(dir, ['exec', 'db', 'sh', '-c', 'kill -TERM $$'])).code).toBe(143);
    const missing = await devenv(dir, ['exec', 'db', 'no-such-command-here']);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toContain('cannot run no-such-command-here');
  });

  it('exec: an unknown service is a usage error; a stopped one says how to start it', async () => {
    const unknown = await devenv(dir, ['exec', 'nope', 'true']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no service nope in the running stack; services: db, idle');
    expect((await devenv(dir, ['stop', 'idle'])).code).toBe(0);
    const stopped = await devenv(dir, ['exec', 'idle', 'true']);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain(
      'idle is not running (stopped); start it with `devenv start idle`',
    );
    expect((await devenv(dir, ['start', 'idle'])).code).toBe(0);
  });

  it("run: the dependencies are started and ready first, and the exit code is the command's", async () => {
    expect((await devenv(dir, ['stop', 'db'])).code).toBe(0);
    const run = await devenv(dir, ['run', 'migrate', ...connects(dbPort)]);
    expect(run.code).toBe(0);
    expect(devenvPs(dir, ['-f', 'compose.yaml'])['db']?.phase).toBe('healthy');
    const failing = await devenv(dir, ['run', 'migrate', 'sh', '-c', 'exit 3']);
    expect(failing.code).toBe(3);
  });

  it('run --no-deps: nothing is started for it', async () => {
    expect((await devenv(dir, ['stop', 'db'])).code).toBe(0);
    const run = await devenv(dir, ['run', '--no-deps', 'migrate', ...connects(dbPort)]);
    expect(run.code).toBe(9);
    expect(devenvPs(dir, ['-f', 'compose.yaml'])['db']?.phase).toBe('stopped');
    expect((await devenv(dir, ['start', 'db'])).code).toBe(0);
  });

  it("run: the service's own command and environment, its output here and in the logs as SERVICE-run-<n>", async () => {
    const run = await devenv(dir, ['run', 'migrate']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe('migrated orders');
    const name = /devenv run: (migrate-run-\d+)/.exec(run.stderr)?.[1];
    expect(name).toBeDefined();
    const logs = await devenv(dir, ['logs', '--raw', name!]);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/stdout migrated orders\n/);
    expect(logs.stdout).toContain(`${name} exited with code 0`);
    // Not supervised: the running stack never heard of it.
    expect(Object.keys(devenvPs(dir, ['-f', 'compose.yaml']))).toEqual(['db', 'idle']);
  });
});

describe('devenv exec and run with replicas', () => {
  it('exec: --index N or SERVICE-N picks a replica, the first by default', async () => {
    const dir = await makeTempDir();
    await mkdir(join(dir, 'db-home'));
    await writeFile(join(dir, 'compose.yaml'), composeFile(await freePort()));
    const up = startDevenv(['up', '-f', 'compose.yaml', '--scale', 'idle=2', 'idle'], dir, env);
    try {
      await up.waitFor(/idle-2\s+healthy/);
      const replica = async (...args: string[]) =>
        (await devenv(dir, ['exec', ...args, 'sh', '-c', 'echo $DEVENV_REPLICA'])).stdout.trim();
      expect(await replica('idle')).toBe('1');
      expect(await replica('--index', '2', 'idle')).toBe('2');
      expect(await replica('idle-2')).toBe('2');
      const none = await devenv(dir, ['exec', '--index', '3', 'idle', 'true']);
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('no service idle with replica 3 in the running stack');
    } finally {
      up.child.kill('SIGINT');
      expect((await up.exited).code).toBe(0);
    }
  });
});

describe('devenv exec and run without a running stack', () => {
  it('exec says no devenv runs; run starts the dependencies in the background first, as Compose does', async () => {
    const dir = await makeTempDir();
    await mkdir(join(dir, 'db-home'));
    const dbPort = await freePort();
    await writeFile(join(dir, 'compose.yaml'), composeFile(dbPort));
    const exec = await devenv(dir, ['exec', 'db', 'true']);
    expect(exec.code).toBe(1);
    expect(exec.stderr).toContain('no devenv is running for this project');
    const noDeps = await devenv(dir, ['run', '--no-deps', 'migrate', ...connects(dbPort)]);
    expect(noDeps.code, 'nothing listens yet').toBe(9);
    try {
      const run = await devenv(dir, ['run', 'migrate', ...connects(dbPort)]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain('starting db in the background (`devenv down` stops them)');
      // Left running, as `docker compose run` leaves its dependencies.
      expect(devenvPs(dir, ['-f', 'compose.yaml'])['db']?.phase).toBe('healthy');
    } finally {
      expect((await devenv(dir, ['down'])).code).toBe(0);
    }
  });
});

/**
 * The native Postgres as the shipped stack runs it (devenv's postgres-server launcher), with
 * libpq's PG* variables in its environment: psql run through exec finds the server by them.
 */
function postgresCompose(dir: string, port: number): string {
  const node = JSON.stringify(process.execPath);
  return `
name: exec-pg
services:
  postgres:
    image: postgres:16.10
    environment:
      POSTGRES_USER: timecop
      POSTGRES_PASSWORD: timecop
      POSTGRES_DB: timecop
      PGHOST: 127.0.0.1
      PGPORT: '${port}'
      PGUSER: timecop
      PGPASSWORD: timecop
      PGDATABASE: timecop
    x-devenv:
      native:
        cwd: ${PROJECT_ROOT}
        command: [${node}, devenv/bin/devenv.js, postgres-server, --port, '${port}', --data, ${dir}/data, --pglite-data, ${dir}/pglite]
      probe:
        postgres: { url: 'postgres://timecop:timecop@127.0.0.1:${port}/timecop' }
        start_timeout: 90s
`;
}

describe('devenv exec postgres psql', () => {
  it("answers select 1 through the running native postgres, with the service's environment", async () => {
    const dir = await makeTempDir();
    // As root the server runs as the postgres user, which must get into its data directory.
    await chmod(dir, 0o755);
    await writeFile(join(dir, 'compose.yaml'), postgresCompose(dir, await freePort()));
    const up = startDevenv(['up', '-f', 'compose.yaml'], dir, env);
    try {
      await up.waitFor(/postgres\s+healthy/, 90_000);
      const psql = await devenv(dir, ['exec', 'postgres', 'psql', '-tAc', 'select 1']);
      expect(psql).toMatchObject({ code: 0, stdout: '1\n' });
      const failing = await devenv(dir, ['exec', 'postgres', 'psql', '-c', 'select nonsense']);
      expect(failing.code).toBe(1);
      expect(failing.stderr).toContain('column "nonsense" does not exist');
    } finally {
      up.child.kill('SIGINT');
      expect((await up.exited).code).toBe(0);
    }
  }, 150_000);
});

describe("devenv run keeps its log as the service's logging: says", () => {
  it('rotated at its max-size, keeping max-file files; driver none keeps no file', async () => {
    const dir = await makeTempDir();
    const node = JSON.stringify(process.execPath);
    // 40 lines of 100 characters: about 4 KiB through a 1 KiB file.
    const print = `for (let i = 0; i < 40; i++) console.log(String(i).padStart(100, '.'))`;
    await writeFile(
      join(dir, 'compose.yaml'),
      `
services:
  chatty:
    image: demo/chatty:1
    logging: {options: {max-size: 1k, max-file: "2"}}
    x-devenv: {native: {command: [${node}, -e, "${print}"]}}
  silent:
    image: demo/silent:1
    logging: {driver: none}
    x-devenv: {native: {command: [${node}, -e, "console.log('hush')"]}}
`,
    );
    const chatty = await devenv(dir, ['run', 'chatty']);
    expect(chatty.code).toBe(0);
    const logs = join(dir, '.devenv', 'logs');
    const sizes = await Promise.all(
      ['chatty-run-1.log', 'chatty-run-1.log.1'].map(async (f) => (await stat(join(logs, f))).size),
    );
    for (const size of sizes) expect(size).toBeLessThanOrEqual(1024);
    await expect(stat(join(logs, 'chatty-run-1.log.2'))).rejects.toThrow(/ENOENT/);

    const silent = await devenv(dir, ['run', 'silent']);
    expect(silent).toMatchObject({ code: 0, stdout: 'hush\n' });
    expect(silent.stderr).not.toContain('devenv logs');
    expect((await readdir(logs)).filter((f) => f.startsWith('silent'))).toEqual([]);
  });
});
