import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { err, ok, type Result } from '../result.js';

/**
 * A reload guard that stays up between checks (`x-devenv.reload_guard.serve`): one line on its
 * stdin asks for a check, one JSON object line on its stdout with `violations` or `error`
 * answers it — no violations passes; violations, or an error, refuse. Other output lines are
 * its logs (kept to explain a failure). The process starts at `warm()` (or at the first check),
 * so it can warm up before the first save; when it dies it starts again at the next check.
 */
export interface GuardServer {
  /** Starts the process now unless it runs already. */
  warm(): void;
  check(timeoutMs: number): Promise<Result<void, string>>;
  close(): void;
}

export interface GuardServerOptions {
  readonly command: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Start the process at once (default); false waits for `warm()` or the first check. */
  readonly warmNow?: boolean;
}

const TIMED_OUT = Symbol('timed out');

/** Whether a stdout line is an answer rather than a log line. */
export function isAnswer(line: string): boolean {
  if (!line.startsWith('{')) return false;
  try {
    const value: unknown = JSON.parse(line);
    return (
      typeof value === 'object' && value !== null && ('violations' in value || 'error' in value)
    );
  } catch {
    return false;
  }
}

/** What one answer line means. Pure, so every shape is tested without a process. */
export function verdictOf(line: string): Result<void, string> {
  let answer: unknown;
  try {
    answer = JSON.parse(line);
  } catch {
    return err(`the guard answered something that is not JSON: ${line.slice(0, 200)}`);
  }
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer))
    return err(`the guard answered ${line.slice(0, 200)}, not a JSON object`);
  const { error, violations } = answer as { error?: unknown; violations?: unknown };
  if (error !== undefined) return err(`the guard could not check: ${String(error)}`);
  if (Array.isArray(violations) && violations.length > 0) return err(line);
  return ok(undefined);
}

export function startGuardServer(options: GuardServerOptions): GuardServer {
  const [command, ...args] = options.command;
  let child: ChildProcessWithoutNullStreams | undefined;
  /** The guard's last log lines (stderr, and stdout lines that are not answers). */
  let logs: string[] = [];
  const remember = (line: string) => {
    logs.push(line);
    if (logs.length > 20) logs.shift();
  };
  /** The answer the current check waits for; lines nobody asked for are dropped. */
  let waiting: ((line: string | undefined) => void) | undefined;
  let closed = false;

  const launch = (): ChildProcessWithoutNullStreams => {
    const started = spawn(command!, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    logs = [];
    createInterface({ input: started.stdout }).on('line', (line) => {
      if (!isAnswer(line)) return remember(line);
      const answer = waiting;
      waiting = undefined;
      answer?.(line);
    });
    createInterface({ input: started.stderr }).on('line', remember);
    // A spawn failure (no such command) arrives as 'error' without 'exit'.
    const gone = () => {
      if (child === started) child = undefined;
      const answer = waiting;
      waiting = undefined;
      answer?.(undefined);
    };
    started.once('exit', gone);
    started.once('error', gone);
    started.stdin.on('error', () => undefined);
    return started;
  };

  if (command !== undefined && options.warmNow !== false) child = launch();

  return {
    warm() {
      if (command !== undefined && !closed) child ??= launch();
    },
    async check(timeoutMs) {
      if (command === undefined) return ok(undefined);
      if (closed) return err('the guard was stopped');
      const running = (child ??= launch());
      const answer = await new Promise<string | undefined | typeof TIMED_OUT>((resolve) => {
        const timer = setTimeout(() => {
          waiting = undefined;
          resolve(TIMED_OUT);
        }, timeoutMs);
        waiting = (line) => {
          clearTimeout(timer);
          resolve(line);
        };
        running.stdin.write('check\n');
      });
      if (answer === TIMED_OUT) {
        running.kill('SIGKILL');
        return err(`the guard did not answer within ${timeoutMs / 1000} s`);
      }
      if (answer === undefined)
        return err(
          `the guard exited before it answered${logs.length > 0 ? `:\n${logs.join('\n')}` : ''}`,
        );
      return verdictOf(answer);
    },
    close() {
      closed = true;
      child?.kill('SIGTERM');
      child = undefined;
    },
  };
}
