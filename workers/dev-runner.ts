/**
 * Starts one worker for devenv: `node --import tsx/esm workers/dev-runner.ts python` (or typescript)
 * (cwd: the repository root; compose/compose.yaml's native commands).
 *
 * Why a runner: the Python worker first needs its venv, which devenv's python-env module builds
 * from workers/python/requirements.lock (once; later starts find it). Hot reload is devenv's
 * (develop.watch rules in compose.yaml): it restarts this runner, whose SIGTERM the worker
 * drains like any shutdown. The runner passes SIGTERM/SIGINT on and exits with the worker's code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { PROJECT_ROOT } from '../devenv/src/project-root.js';
import { ensureWorkerPython, pythonWorkerCommand } from './python/env.js';
import { createLogger } from './typescript/src/logging.js';

type Language = 'typescript' | 'python';

const logger = createLogger('dev-runner');

async function commandFor(language: Language) {
  if (language === 'typescript') {
    return {
      command: process.execPath,
      args: ['--import', 'tsx/esm', 'workers/typescript/src/worker.ts'],
      env: {},
    };
  }
  const venv = await ensureWorkerPython((line) => logger.info(line));
  if (!venv.ok) throw new Error(`the Python worker's venv: ${JSON.stringify(venv.error)}`);
  return pythonWorkerCommand(venv.value);
}

async function main(): Promise<void> {
  const language = process.argv[2];
  if (language !== 'typescript' && language !== 'python') {
    logger.error('usage: dev-runner.ts typescript|python');
    process.exitCode = 2;
    return;
  }
  const { command, args, env } = await commandFor(language);
  let stopping = false;
  const child: ChildProcess = spawn(command, args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: 'inherit',
  });
  child.once('exit', (code, signal) => {
    if (!stopping) logger.warn({ code, signal }, 'worker exited');
    process.exitCode = code ?? (signal ? 1 : 0);
  });
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    // devenv signals the whole process group, so the worker usually has SIGTERM already.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'dev-runner failed');
  process.exitCode = 1;
});
