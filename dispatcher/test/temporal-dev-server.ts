import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeTemporal } from '../../devenv/src/health/temporal-probe.js';
import { PROJECT_ROOT } from '../../devenv/src/project-root.js';
import { createToolchain } from '../../devenv/src/toolchain/toolchain.js';
import { loadProjectVersions } from '../../devenv/test/project-versions.js';

export const NAMESPACE = 'time-cop';

import { freePort } from '../../devenv/src/process/free-port.js';

export { freePort };

/** The verified Temporal CLI from the toolchain (global setup installed it; nothing downloads here). */
export async function temporalCli(): Promise<string> {
  const toolchain = createToolchain({
    projectRoot: PROJECT_ROOT,
    versions: await loadProjectVersions(),
  });
  const found = await toolchain.ensure('temporal');
  if (!found.ok)
    throw new Error(`the Temporal CLI is not available: ${JSON.stringify(found.error)}`);
  return found.value.path;
}

export interface DevServer {
  readonly address: string;
  readonly port: number;
  /** Kills the server (SIGKILL: as abrupt as a crash); the database file stays. */
  kill(): Promise<void>;
  /** Starts it again on the same port and database. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real `temporal server start-dev` on a free port. By default with a SQLite file in a temp dir,
 * so a killed and restarted server keeps its workflows (what the "none lost" test checks);
 * `persistent: false` keeps everything in memory (faster: no fsync per start).
 */
export async function startDevServer(
  options: { readonly persistent?: boolean } = {},
): Promise<DevServer> {
  const persistent = options.persistent ?? true;
  const cli = await temporalCli();
  const dir = await mkdtemp(join(tmpdir(), 'dispatcher-temporal-'));
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let output = '';

  const launch = async () => {
    output = '';
    child = spawn(
      cli,
      [
        'server',
        'start-dev',
        '--headless',
        '--ip',
        '127.0.0.1',
        '--port',
        String(port),
        '--namespace',
        NAMESPACE,
        // In memory unless persistence is the point (a restart keeps what the file holds).
        ...(persistent ? ['--db-filename', join(dir, 'temporal.db')] : []),
        '--log-level',
        'error',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // If this process dies first, the server must not outlive it.
    const spawned = child;
    const reap = () => spawned.kill('SIGKILL');
    process.once('exit', reap);
    spawned.once('exit', () => process.off('exit', reap));
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const probe = await probeTemporal(address, NAMESPACE, 1_000);
      if (probe.ok) return;
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`temporal start-dev did not become ready: ${probe.detail}\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  const kill = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  };

  await launch();
  return {
    address,
    port,
    kill,
    restart: launch,
    async stop() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
