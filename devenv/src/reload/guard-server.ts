import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { err, ok, type Result } from '../../shared/result.js';

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
  return new GuardProcess(options);
}

class GuardProcess implements GuardServer {
  readonly #options: GuardServerOptions;
  readonly #command: string | undefined;
  readonly #args: readonly string[];
  #child: ChildProcessWithoutNullStreams | undefined;
  /** The guard's last log lines (stderr, and stdout lines that are not answers). */
  #logs: string[] = [];
  /** The answer the current check waits for; lines nobody asked for are dropped. */
  #waiting: ((line: string | undefined) => void) | undefined;
  #closed = false;

  constructor(options: GuardServerOptions) {
    this.#options = options;
    [this.#command, ...this.#args] = options.command;
    if (this.#command !== undefined && options.warmNow !== false) this.#child = this.#launch();
  }

  warm(): void {
    if (this.#command !== undefined && !this.#closed) this.#child ??= this.#launch();
  }

  async check(timeoutMs: number): Promise<Result<void, string>> {
    if (this.#command === undefined) return ok(undefined);
    if (this.#closed) return err('the guard was stopped');
    const running = (this.#child ??= this.#launch());
    const answer = await this.#ask(running, timeoutMs);
    if (answer === TIMED_OUT) {
      running.kill('SIGKILL');
      return err(`the guard did not answer within ${timeoutMs / 1000} s`);
    }
    if (answer === undefined) {
      const logs = this.#logs;
      return err(
        `the guard exited before it answered${logs.length > 0 ? `:\n${logs.join('\n')}` : ''}`,
      );
    }
    return verdictOf(answer);
  }

  close(): void {
    this.#closed = true;
    this.#child?.kill('SIGTERM');
    this.#child = undefined;
  }

  /** Sends one check request; its answer line, undefined if the process ended first. */
  #ask(
    running: ChildProcessWithoutNullStreams,
    timeoutMs: number,
  ): Promise<string | undefined | typeof TIMED_OUT> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting = undefined;
        resolve(TIMED_OUT);
      }, timeoutMs);
      this.#waiting = (line) => {
        clearTimeout(timer);
        resolve(line);
      };
      running.stdin.write('check\n');
    });
  }

  #launch(): ChildProcessWithoutNullStreams {
    const started = spawn(this.#command!, this.#args, {
      cwd: this.#options.cwd,
      env: this.#options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#logs = [];
    createInterface({ input: started.stdout }).on('line', (line) => {
      if (!isAnswer(line)) return this.#remember(line);
      this.#answer(line);
    });
    createInterface({ input: started.stderr }).on('line', (line) => this.#remember(line));
    // A spawn failure (no such command) arrives as 'error' without 'exit'.
    const gone = () => {
      if (this.#child === started) this.#child = undefined;
      this.#answer(undefined);
    };
    started.once('exit', gone);
    started.once('error', gone);
    started.stdin.on('error', () => undefined);
    return started;
  }

  #answer(line: string | undefined): void {
    const answer = this.#waiting;
    this.#waiting = undefined;
    answer?.(line);
  }

  #remember(line: string): void {
    this.#logs.push(line);
    if (this.#logs.length > 20) this.#logs.shift();
  }
}
