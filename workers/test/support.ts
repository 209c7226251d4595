/**
 * Shared by the worker tests and benchmarks: real servers only. The Temporal binaries come from
 * the toolchain (versions.yaml pins, installed by the global test setup), never from the SDK's
 * downloader; Postgres is a throwaway server started through devenv's own launcher.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { PROJECT_ROOT } from '../../devenv/src/project-root.js';
import { createToolchain } from '../../devenv/src/toolchain/toolchain.js';
import { describeToolFailure } from '../../devenv/src/toolchain/resolve.js';
import type { ToolId } from '../../devenv/src/versions/tool-ids.js';
import { loadProjectVersions } from '../../devenv/test/project-versions.js';
import { createLogger } from '../typescript/src/logging.js';
import { CLIENT_DATA_CONVERTER, ensureTypeScriptRequire } from '../typescript/src/worker-setup.js';

export const DEVENV_BIN = join(PROJECT_ROOT, 'devenv', 'bin', 'devenv.js');

/** A verified binary path for a versions.yaml tool (installed by the global setup). */
export async function toolPath(id: ToolId): Promise<string> {
  const toolchain = createToolchain({
    projectRoot: PROJECT_ROOT,
    versions: await loadProjectVersions(),
  });
  const found = await toolchain.ensure(id);
  if (!found.ok) throw new Error(`${id}: ${describeToolFailure(found.error)}`);
  return found.value.path;
}

/** The Java time-skipping test server, from .devenv/tools (the SDK downloads nothing). */
export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  await ensureTypeScriptRequire();
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: await toolPath('temporal-test-server') } },
    client: { dataConverter: CLIENT_DATA_CONVERTER },
  });
}

/** A real dev server (`temporal server start-dev`, in memory) on free ports, namespace time-cop. */
export async function startDevServer(): Promise<TestWorkflowEnvironment> {
  await ensureTypeScriptRequire();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: await toolPath('temporal') },
      namespace: 'time-cop',
      ip: '127.0.0.1',
      ui: false,
      log: { format: 'json', level: 'warn' },
    },
    client: { dataConverter: CLIENT_DATA_CONVERTER },
  });
}

import { freePort } from '../../devenv/src/process/free-port.js';

export { freePort };

export interface TestPostgres {
  readonly url: string;
  readonly port: number;
  /** What runs: for test output (which server the Postgres tests used). */
  readonly description: string;
  /** Stops the server (SIGTERM, fast shutdown); data stays for `start()`. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory; resolves when it accepts queries. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  dispose(): Promise<void>;
}

/**
 * A throwaway Postgres: `devenv postgres-server` on a free port in a temp directory. Its engine
 * is devenv's choice (DEVENV_POSTGRES, else PostgreSQL when installed, else the embedded PGlite)
 * unless `engine` names one: `DEVENV_POSTGRES=pglite npx vitest run workers` runs the worker
 * tests on PGlite. PostgreSQL gets initdb on first use, trust auth on loopback, and runs as the
 * postgres user when we are root.
 */
export async function startPostgres(
  options: { readonly engine?: 'postgres' | 'pglite'; readonly env?: NodeJS.ProcessEnv } = {},
): Promise<TestPostgres> {
  const port = await freePort();
  const dataRoot = await mkdtemp(join(tmpdir(), 'timecop-pg-'));
  // mkdtemp makes it 0700: the postgres user (we may be root) must reach the data inside.
  await chmod(dataRoot, 0o755);
  const data = join(dataRoot, 'data');
  const url = `postgres://timecop:timecop@127.0.0.1:${port}/timecop`;
  let child: ChildProcess | undefined;
  let output = '';
  let version = '';

  const start = async () => {
    output = '';
    const proc = spawn(
      process.execPath,
      [
        DEVENV_BIN,
        'postgres-server',
        '--port',
        String(port),
        '--data',
        data,
        ...(options.engine ? ['--engine', options.engine] : []),
      ],
      {
        cwd: PROJECT_ROOT,
        env: {
          ...(options.env ?? process.env),
          POSTGRES_USER: 'timecop',
          POSTGRES_PASSWORD: 'timecop',
          POSTGRES_DB: 'timecop',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    proc.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    proc.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    child = proc;
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`postgres-server exited:\n${output}`);
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
      try {
        await client.connect();
        // "PostgreSQL 15.18 (Debian …) on x86_64…" or "PostgreSQL 18.6 (PGlite 0.5.14) on wasm32…"
        version =
          (await client.query<{ v: string }>('select version() as v')).rows[0]?.v.split(
            ' on ',
          )[0] ?? '?';
        return;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`Postgres did not start: ${String(error)}\n${output}`, { cause: error });
        await sleep(200);
      } finally {
        await client.end().catch(() => {});
      }
    }
  };
  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    url,
    port,
    get description() {
      return `${version} via devenv postgres-server on 127.0.0.1:${port} (data ${dataRoot})`;
    },
    start,
    stop,
    dispose: async () => {
      await stop();
      await rm(dataRoot, { recursive: true, force: true });
    },
  };
}

/** Quiet logs for tests (errors only) unless LOG_LEVEL says otherwise. */
export const testLogger = createLogger(
  'worker-test',
  undefined,
  process.env['LOG_LEVEL'] ?? 'error',
);

export interface WorkerProcess {
  readonly child: ChildProcess;
  /** stdout + stderr so far. */
  output(): string;
  /** The JSON lines of stdout so far (non-JSON lines skipped). */
  jsonLines(): Record<string, unknown>[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Polls GET /readyz until 200 (or the process exits, or the timeout passes). */
  ready(timeoutMs?: number): Promise<void>;
  /** SIGTERM and the exit status. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A worker as its own process, as devenv runs it (real signals, real ports). */
export function spawnWorker(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  healthPort: number,
): WorkerProcess {
  const child = spawn(command, [...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env, HEALTH_PORT: String(healthPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let all = '';
  child.stdout?.on('data', (c: Buffer) => ((stdout += c.toString()), (all += c.toString())));
  child.stderr?.on('data', (c: Buffer) => (all += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let done = false;
  void exited.then(() => (done = true));
  return {
    child,
    output: () => all,
    jsonLines: () =>
      stdout.split('\n').flatMap((line) => {
        try {
          const parsed: unknown = JSON.parse(line);
          return parsed && typeof parsed === 'object' ? [parsed as Record<string, unknown>] : [];
        } catch {
          return [];
        }
      }),
    exited,
    ready: async (timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (done) throw new Error(`worker exited before it was ready:\n${all}`);
        const status = await fetch(`http://127.0.0.1:${healthPort}/readyz`).then(
          (r) => r.status,
          () => 0,
        );
        if (status === 200) return;
        if (Date.now() > deadline) throw new Error(`not ready after ${timeoutMs} ms:\n${all}`);
        await sleep(100);
      }
    },
    stop: async () => {
      if (!done) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** `le` bounds of one histogram in a Prometheus text exposition. */
export function histogramBounds(metricsText: string, name: string): string[] {
  const bounds = new Set<string>();
  for (const match of metricsText.matchAll(new RegExp(`^${name}_bucket\\{[^}]*le="([^"]+)"`, 'gm')))
    bounds.add(match[1]!);
  return [...bounds].sort((a, b) => Number(a) - Number(b));
}
