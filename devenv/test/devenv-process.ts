import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import type { ServiceState } from '../src/engine/service-state.js';
import { PROJECT_ROOT } from '../src/project-root.js';

export const DEVENV_BIN = join(PROJECT_ROOT, 'devenv', 'bin', 'devenv.js');

/** `devenv ps --json [args]` run in `cwd`: each service's state, by name. */
export function devenvPs(
  cwd: string,
  args: readonly string[] = [],
  bin = DEVENV_BIN,
): Record<string, ServiceState> {
  const out = execFileSync(bin, ['ps', '--json', ...args], { cwd, encoding: 'utf8' });
  const services = (JSON.parse(out) as { services: ServiceState[] }).services;
  return Object.fromEntries(services.map((s) => [s.name, s]));
}

/** `devenv ps --json` without blocking the event loop (a load client may be running beside it). */
export async function devenvPsAsync(
  cwd: string,
  bin = DEVENV_BIN,
): Promise<Record<string, ServiceState>> {
  const { stdout } = await promisify(execFile)(bin, ['ps', '--json'], { cwd, encoding: 'utf8' });
  const services = (JSON.parse(stdout) as { services: ServiceState[] }).services;
  return Object.fromEntries(services.map((s) => [s.name, s]));
}

/** What a finished `devenv` command printed, and its exit status (124-ish on a timeout kill: 1). */
export interface DevenvResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The real devenv executable, run to its end as a second terminal runs it; never rejects. `file`
 * puts `-f FILE` right after the command (options of exec and run end at the service's name).
 */
export async function runDevenv(
  args: readonly string[],
  options: {
    readonly cwd: string;
    readonly env?: NodeJS.ProcessEnv;
    readonly file?: string;
    readonly timeoutMs?: number;
  },
): Promise<DevenvResult> {
  const [command, ...rest] = args;
  const argv =
    options.file === undefined || command === undefined
      ? [...args]
      : [command, '-f', options.file, ...rest];
  try {
    const { stdout, stderr } = await promisify(execFile)(DEVENV_BIN, argv, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      timeout: options.timeoutMs ?? 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (thrown) {
    const e = thrown as { code?: unknown; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === 'number' ? e.code : 1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? '',
    };
  }
}

export interface DevenvRun {
  readonly child: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolves when a printed line matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the real devenv executable as a separate process, as a terminal would. */
export function startDevenv(
  args: readonly string[],
  cwd = PROJECT_ROOT,
  env: NodeJS.ProcessEnv = process.env,
  bin = DEVENV_BIN,
): DevenvRun {
  // The executable itself, as a shell runs it: its #! line sets the Node flags users get.
  const child = spawn(bin, [...args], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const w of [...waiters]) {
      const match = w.pattern.exec(text);
      if (match) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(match[0]);
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => text,
    exited,
    waitFor: (pattern, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const match = pattern.exec(text);
        if (match) return resolve(match[0]);
        const timer = setTimeout(
          () =>
            reject(
              new Error(`no line matching ${pattern} within ${timeoutMs} ms; output:\n${text}`),
            ),
          timeoutMs,
        );
        waiters.push({ pattern, resolve: (line) => (clearTimeout(timer), resolve(line)) });
        void exited.then(() =>
          setTimeout(
            () => reject(new Error(`devenv exited before printing ${pattern}; output:\n${text}`)),
            50,
          ),
        );
      }),
  };
}
