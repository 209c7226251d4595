import { spawn } from 'node:child_process';
import { constants } from 'node:os';

export interface ForegroundOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Receives stdout and stderr (then piped, not the terminal's); absent: the terminal's own. */
  readonly output?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
}

/** How long output may keep arriving after the command exited. */
const PIPE_DRAIN_MS = 2_000;

/**
 * Runs a command in the terminal's foreground, stdin and all, and settles with the exit code a
 * shell would give: the command's own, 128+n when signal n ended it, 127 when it cannot be found
 * and 126 when it cannot be run. Ctrl-C reaches the command from the terminal; devenv waits for
 * it instead of dying first, and passes on a SIGTERM or SIGHUP sent to devenv itself.
 */
export function runInForeground(
  argv: readonly string[],
  options: ForegroundOptions,
  onSpawnError: (message: string) => void,
): Promise<number> {
  const [executable, ...args] = argv;
  if (executable === undefined) return Promise.resolve(0);
  const output = options.output;
  const child = spawn(executable, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['inherit', output ? 'pipe' : 'inherit', output ? 'pipe' : 'inherit'],
  });
  if (output) {
    child.stdout!.on('data', (chunk: Buffer) => output('stdout', chunk));
    child.stderr!.on('data', (chunk: Buffer) => output('stderr', chunk));
  }
  const waitOut = () => undefined;
  const passOn = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', waitOut);
  process.on('SIGTERM', passOn);
  process.on('SIGHUP', passOn);
  return new Promise<number>((resolve) => {
    const done = (code: number) => {
      process.off('SIGINT', waitOut);
      process.off('SIGTERM', passOn);
      process.off('SIGHUP', passOn);
      resolve(code);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      onSpawnError(`cannot run ${executable} (in ${options.cwd}): ${error.message}`);
      done(error.code === 'ENOENT' ? 127 : 126);
    });
    child.once('exit', (code, signal) => {
      if (!output) return done(exitCodeOf(code, signal));
      // Output still in the pipes belongs to the run; a process the command left behind may
      // hold them open for long, so the wait for it is bounded.
      const drained = setTimeout(() => {
        child.stdout!.destroy();
        child.stderr!.destroy();
      }, PIPE_DRAIN_MS);
      child.once('close', () => {
        clearTimeout(drained);
        done(exitCodeOf(code, signal));
      });
    });
  });
}

/** A shell's `$?`: the exit code, or 128 + the number of the signal that ended the command. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const number = signal ? constants.signals[signal] : undefined;
  return number === undefined ? 1 : 128 + number;
}
