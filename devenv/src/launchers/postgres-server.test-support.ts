/**
 * `devenv postgres-server` started as the stack starts it, for the launcher's integration tests:
 * a real process leading its own group, with real clients.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterEach } from 'vitest';
import { DEVENV_BIN } from '../../test/devenv-process.js';
import { PROJECT_ROOT } from '../project-root.js';
import { signalGroup } from '../runtime/process-group.js';

export type Engine = 'postgres' | 'pglite';

/** The compose file's credentials. */
export const CREDENTIALS = {
  POSTGRES_USER: 'timecop',
  POSTGRES_PASSWORD: 'timecop',
  POSTGRES_DB: 'timecop',
} as const;

export interface Launched {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const launched: Launched[] = [];

/** Kills what each test launched, after it. Call once at the top of a test file. */
export function killLaunchedAfterEach(): void {
  afterEach(async () => {
    for (const run of launched.splice(0)) {
      signalGroup(run.child.pid!, 'SIGKILL');
      await run.exited;
    }
  });
}

/** Temp directories are 0700; as root the server runs as the postgres user, which must get in. */
export async function dataRoot(makeTempDir: () => Promise<string>): Promise<string> {
  const dir = await makeTempDir();
  await chmod(dir, 0o755);
  return dir;
}

/** Started as devenv's native runtime starts a service: detached, so it leads its own group. */
export function launch(
  root: string,
  port: number,
  engine: Engine | undefined,
  env: NodeJS.ProcessEnv = process.env,
  credentials: Readonly<Record<string, string>> = CREDENTIALS,
  data = join(root, 'data'),
): Launched {
  const child = spawn(
    process.execPath,
    [
      DEVENV_BIN,
      'postgres-server',
      '--port',
      String(port),
      '--data',
      data,
      ...(engine ? ['--engine', engine] : []),
    ],
    {
      cwd: PROJECT_ROOT,
      detached: true,
      env: { ...env, ...credentials },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let text = '';
  child.stdout!.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (text += c.toString()));
  const run: Launched = {
    child,
    // The compose file's URL, password included.
    url: `postgres://timecop:timecop@127.0.0.1:${port}/timecop`,
    output: () => text,
    exited: new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    ),
  };
  launched.push(run);
  return run;
}

/** Polls `select 1` as the stack's probe does, until it answers or the server exits. */
export async function ready(run: Launched, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (run.child.exitCode !== null || run.child.signalCode !== null)
      throw new Error(`postgres-server exited:\n${run.output()}`);
    const client = new pg.Client({ connectionString: run.url, connectionTimeoutMillis: 1_000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`no answer: ${String(error)}\n${run.output()}`, { cause: error });
      await sleep(100);
    } finally {
      await client.end().catch(() => {});
    }
  }
}

export async function query<R extends pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export async function killGroup(run: Launched): Promise<void> {
  signalGroup(run.child.pid!, 'SIGKILL');
  await run.exited;
}

export async function stop(run: Launched) {
  signalGroup(run.child.pid!, 'SIGTERM');
  return run.exited;
}
