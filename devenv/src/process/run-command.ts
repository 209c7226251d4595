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
  /**
   * Aborting kills the command's whole process group (pip, go and apt start children of their
   * own), so a Ctrl-C during an install ends it at once instead of after the install.
   */
  readonly signal?: AbortSignal | undefined;
}

const TAIL_BYTES = 8 * 1024;

/** Runs a command to completion without a shell; never rejects. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    if (options.signal?.aborted) {
      resolve({ code: null, signal: null, tail: '', spawnError: 'aborted before it started' });
      return;
    }
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
      // A group of its own, so that an abort reaches the grandchildren too.
      detached: options.signal !== undefined,
      ...(options.uid !== undefined ? { uid: options.uid } : {}),
      ...(options.gid !== undefined ? { gid: options.gid } : {}),
    });
    const abort = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    options.signal?.addEventListener('abort', abort, { once: true });
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) =>
      resolve({ code: null, signal: null, tail, spawnError: error.message }),
    );
    child.on('close', (code, signal) => {
      options.signal?.removeEventListener('abort', abort);
      resolve({ code, signal, tail });
    });
  });
}

/** "exit 1: <last lines>" — for failure details. */
export function describeOutcome(outcome: CommandOutcome): string {
  if (outcome.spawnError) return outcome.spawnError;
  const how = outcome.signal ? `killed by ${outcome.signal}` : `exit ${outcome.code}`;
  const lines = outcome.tail.trim().split('\n').slice(-5).join('\n');
  return lines ? `${how}: ${lines}` : how;
}
