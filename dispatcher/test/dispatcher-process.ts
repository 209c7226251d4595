import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PROJECT_ROOT } from '../../devenv/src/project-root.js';

export const DISPATCHER_ENTRY = join(PROJECT_ROOT, 'dispatcher', 'src', 'server.ts');

export interface DispatcherProcess {
  readonly child: ChildProcess;
  readonly httpUrl: string;
  readonly grpcAddress: string;
  /** Every JSON log line so far, parsed. */
  readonly logs: Record<string, unknown>[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * The real dispatcher as its own process, started the way compose.yaml starts it (node + tsx from
 * the repository root), on free ports (0). Resolves once it logs where it listens.
 */
export async function startDispatcherProcess(
  env: Record<string, string>,
  options: { readonly keepLogs?: boolean } = {},
): Promise<DispatcherProcess> {
  const keepLogs = options.keepLogs ?? true;
  const child = spawn(process.execPath, ['--import', 'tsx/esm', DISPATCHER_ENTRY], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      // Run from a devenv session (test-on-save), this process has the session's secret; the
      // dispatcher under test requires a token only when the test says so.
      DEVENV_SESSION_TOKEN: undefined,
      DISPATCHER_PORT: '0',
      DISPATCHER_GRPC_PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // If this process dies first (a crashed benchmark, a killed test worker), take the child along.
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  void new Promise((resolve) => child.once('exit', resolve)).then(() => process.off('exit', reap));
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-8_000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const listening = new Promise<{ http: string; grpc: string }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`dispatcher did not start:\n${stderr}`)),
      30_000,
    );
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`dispatcher exited (${code}) before listening:\n${stderr}`));
    });
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        record = { msg: line, unparsed: true };
      }
      logs.push(record);
      if (record['msg'] === 'dispatcher listening') {
        clearTimeout(timer);
        resolve({ http: String(record['http']), grpc: String(record['grpc']) });
        if (!keepLogs) {
          // Benchmarks: drain the pipe without parsing, so this process measures, not reads logs.
          lines.close();
          child.stdout!.resume();
        }
      }
    });
  });
  const where = await listening.catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    child,
    httpUrl: where.http,
    grpcAddress: where.grpc,
    logs,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
