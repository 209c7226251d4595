// Shared by the reload benches: how devenv's view of a service is read, and the by-hand baseline
// (start the TypeScript worker with tsx, kill it, start it again until its /readyz answers 200).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../devenv/src/process/free-port.js';
import { ROOT, waitExit } from './devenv-run.js';

export interface ServiceView {
  readonly restarts: number;
  readonly phase: string;
  readonly pid: number | undefined;
}

/** From .devenv/state.json, which devenv rewrites within 200 ms of a change (what `ps` reads). */
export function serviceState(name: string): ServiceView {
  try {
    const file = JSON.parse(readFileSync(join(ROOT, '.devenv', 'state.json'), 'utf8')) as {
      state: { services: Record<string, Partial<ServiceView>> } | null;
    };
    const s = file.state?.services[name];
    return { restarts: s?.restarts ?? -1, phase: s?.phase ?? 'missing', pid: s?.pid };
  } catch {
    return { restarts: -1, phase: 'unreadable', pid: undefined };
  }
}

/** Polls every 5 ms: the swaps measured take ~100 ms, and a coarser poll would add to each. */
export async function until(
  ok: () => boolean | Promise<boolean>,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The worker's own readiness: connected and polling (workers/typescript/src/worker.ts). */
export const readyz = (port: number) => async () =>
  (await fetch(`http://127.0.0.1:${port}/readyz`).then(
    (r) => r.status,
    () => 0,
  )) === 200;

/** The code generations the worker's /readyz reports (-1: not ready). */
export async function workerGenerations(
  port: number,
): Promise<{ workflows: number; activities: number }> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/readyz`);
    if (response.status !== 200) return { workflows: -1, activities: -1 };
    const body = (await response.json()) as Record<string, { generation?: number } | undefined>;
    return {
      workflows: body['workflows']?.generation ?? -1,
      activities: body['activities']?.generation ?? -1,
    };
  } catch {
    return { workflows: -1, activities: -1 };
  }
}

/** `node --import tsx/esm worker.ts` as compose.yaml's native command runs it, on its own ports. */
export function spawnWorker(health: number, metrics: number, env: Record<string, string> = {}) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx/esm', 'workers/typescript/src/worker.ts'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        HEALTH_PORT: String(health),
        METRICS_PORT: String(metrics),
        TS_TASK_QUEUE: `bench-reload-${process.pid}`,
        DB_MIGRATE: '0',
        DB_SEED: '0',
        ...env,
      },
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  return Object.assign(child, { stderr: () => stderr });
}

/** Until the worker answers /readyz 200; its exit first is an error with what it printed. */
async function whenReady(worker: ReturnType<typeof spawnWorker>, health: number): Promise<void> {
  await until(async () => {
    if (worker.exitCode !== null)
      throw new Error(`the worker exited ${worker.exitCode}: ${worker.stderr()}`);
    return readyz(health)();
  });
}

/** The baseline: SIGTERM a ready worker, then start it again until /readyz is 200. */
export async function bareRestart(env: Record<string, string> = {}): Promise<number> {
  const [health, metrics] = [await freePort(), await freePort()];
  const previous = spawnWorker(health, metrics, env);
  await whenReady(previous, health);
  const started = performance.now();
  previous.kill('SIGTERM');
  await waitExit(previous);
  const next = spawnWorker(health, metrics, env);
  await whenReady(next, health);
  const ms = performance.now() - started;
  next.kill('SIGTERM');
  await waitExit(next);
  return ms;
}
