import { appendFile, cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/process/free-port.js';
import { PROJECT_ROOT } from '../../src/project-root.js';
import { devenvPs, startDevenv, type DevenvRun } from '../devenv-process.js';
import type { ServiceState } from '../../src/engine/service-state.js';

const FIXTURE_DIR = dirname(fileURLToPath(import.meta.url));
const WORKER_COMMAND = 'command: [node, --import, tsx/esm, src/worker.ts]';

export interface RunningSample {
  /** The temporary copy of the project: edit its src/ to trigger a reload. */
  readonly dir: string;
  /** The Temporal dev server's frontend, 127.0.0.1:<free port>. */
  readonly temporalAddress: string;
  readonly devenv: DevenvRun;
  /** `devenv ps --json` of the copy, by service name. */
  ps(): Record<string, ServiceState>;
  /** Stops devenv as Ctrl-C would, waits for it to exit, and removes the copy. */
  stop(): Promise<void>;
}

/**
 * The hello-world-shaped sample (this directory) copied to a fresh temporary directory, with
 * `extraFiles` (path relative to the copy → contents) written over it, then run under the real
 * devenv (`devenv up`) on a free Temporal port: no fixed stack port, so no stack lock. The copy
 * sees the repository's node_modules (@temporalio/*, tsx) through a symlink.
 */
export async function startSample(
  options: {
    readonly extraFiles?: Readonly<Record<string, string>>;
    /**
     * More workflow modules, name → source: each is written to src/<name>.ts and exported from
     * src/workflows.ts (the worker's workflowsPath), so the worker registers its workflows.
     */
    readonly extraWorkflows?: Readonly<Record<string, string>>;
    /** The worker's native command instead of `node --import tsx/esm src/worker.ts`. */
    readonly workerCommand?: readonly string[];
    /** More arguments for `devenv up`. */
    readonly args?: readonly string[];
  } = {},
): Promise<RunningSample> {
  const dir = await mkdtemp(join(tmpdir(), 'devenv-temporal-sample-'));
  await cp(FIXTURE_DIR, dir, {
    recursive: true,
    filter: (source) => !source.endsWith('.test.ts') && !source.endsWith('start-sample.ts'),
  });
  await symlink(join(PROJECT_ROOT, 'node_modules'), join(dir, 'node_modules'));
  for (const [path, text] of Object.entries(options.extraFiles ?? {})) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  if (options.workerCommand) {
    const compose = join(dir, 'compose.yaml');
    const text = await readFile(compose, 'utf8');
    const command = `command: ${JSON.stringify(options.workerCommand)}`;
    if (!text.includes(WORKER_COMMAND)) throw new Error(`compose.yaml has no ${WORKER_COMMAND}`);
    await writeFile(compose, text.replace(WORKER_COMMAND, command));
  }
  for (const [name, source] of Object.entries(options.extraWorkflows ?? {})) {
    await writeFile(join(dir, 'src', `${name}.ts`), source);
    await appendFile(join(dir, 'src', 'workflows.ts'), `export * from './${name}.js';\n`);
  }
  const port = await freePort();
  const compose = join(dir, 'compose.yaml');
  const devenv = startDevenv(['up', '-f', compose, '--no-logs', ...(options.args ?? [])], dir, {
    ...process.env,
    TEMPORAL_PORT: String(port),
  });
  let stopped: Promise<void> | undefined;
  return {
    dir,
    temporalAddress: `127.0.0.1:${port}`,
    devenv,
    ps: () => devenvPs(dir, ['-f', compose]),
    stop: () =>
      (stopped ??= (async () => {
        if (devenv.child.exitCode === null && devenv.child.signalCode === null)
          devenv.child.kill('SIGINT');
        await devenv.exited;
        await rm(dir, { recursive: true, force: true });
      })()),
  };
}
