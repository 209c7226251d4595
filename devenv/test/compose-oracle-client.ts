import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** One load, as the oracle's `--batch` mode takes it (see devenv/test/compose-oracle/main.go). */
export interface OracleRequest {
  readonly files: readonly string[];
  readonly workingDir?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly envFiles?: readonly string[];
  readonly profiles?: readonly string[];
  readonly projectName?: string;
  /** Load this many times and report each load's duration instead of the project. */
  readonly repeat?: number;
}

export type OracleAnswer =
  | {
      readonly ok: true;
      readonly project: Record<string, unknown>;
      /** With `repeat`: each load's wall-clock and CPU time (user + system, all threads). */
      readonly nanos?: number[];
      readonly cpuNanos?: number[];
    }
  | { readonly ok: false; readonly error: string };

export interface OracleClient {
  load(request: OracleRequest): Promise<OracleAnswer>;
  close(): Promise<void>;
}

/** One oracle process for many loads: requests are answered in order, one JSON line each. */
export function startOracle(executable: string): OracleClient {
  const child = spawn(executable, ['--batch'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting: ((answer: OracleAnswer) => void)[] = [];
  let exited: string | undefined;
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => waiting.shift()?.(JSON.parse(line) as OracleAnswer));
  child.on('exit', (code, signal) => {
    exited = `the compose oracle exited (${signal ?? `status ${String(code)}`})`;
    for (const settle of waiting.splice(0)) settle({ ok: false, error: exited });
  });
  child.on('error', (error) => {
    exited = `the compose oracle could not run: ${error.message}`;
    for (const settle of waiting.splice(0)) settle({ ok: false, error: exited });
  });
  return {
    load: (request) =>
      new Promise((resolve) => {
        if (exited !== undefined) {
          resolve({ ok: false, error: exited });
          return;
        }
        waiting.push(resolve);
        child.stdin.write(`${JSON.stringify(request)}\n`);
      }),
    close: () =>
      new Promise((resolve) => {
        if (exited !== undefined) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.stdin.end();
      }),
  };
}
