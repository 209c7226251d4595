import { spawn } from 'node:child_process';

export interface CommandOutcome {
  /** null when the command could not be started at all (see `spawnError`). */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The last part of stdout and stderr interleaved: enough to explain a failure. */
  readonly tail: string;
  readonly spawnError?: string;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
  /** Run as this user (root only). */
  readonly uid?: number;
  readonly gid?: number;
  /** Called with each chunk, for live progress. */
  readonly onOutput?: (chunk: string) => void;
}

const TAIL_BYTES = 8 * 1024;

/** Runs a command to completion without a shell; never rejects. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    let tail = '';
    const keep = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      options.onOutput?.(text);
      tail = (tail + text).slice(-TAIL_BYTES);
    };
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs,
      killSignal: 'SIGKILL',
      ...(options.uid !== undefined ? { uid: options.uid } : {}),
      ...(options.gid !== undefined ? { gid: options.gid } : {}),
    });
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) =>
      resolve({ code: null, signal: null, tail, spawnError: error.message }),
    );
    child.on('close', (code, signal) => resolve({ code, signal, tail }));
  });
}

/** "exit 1: <last lines>" — for failure details. */
export function describeOutcome(outcome: CommandOutcome): string {
  if (outcome.spawnError) return outcome.spawnError;
  const how = outcome.signal ? `killed by ${outcome.signal}` : `exit ${outcome.code}`;
  const lines = outcome.tail.trim().split('\n').slice(-5).join('\n');
  return lines ? `${how}: ${lines}` : how;
}
