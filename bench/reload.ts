// Edit-to-ready for an activity change: devenv notices the save, restarts only the TypeScript
// worker and sees it ready again; baseline in the same run: killing a running worker and starting
// it again by hand (node + tsx) until its /readyz answers. Target: ratio ≤ 1.2.
// Run: npx tsx bench/reload.ts [rounds]   (uses the default stack's ports: stop `npm run dev` first)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../devenv/src/process/free-port.js';
import { median, ROOT, timeUntil, waitExit } from './devenv-run.js';

const rounds = Number(process.argv[2] ?? 3);
const ACTIVITY = join(ROOT, 'workers', 'typescript', 'src', 'activities', 'say-hello.ts');

/** From .devenv/state.json, which devenv rewrites within 200 ms of a change (what `ps` reads). */
function workerState(): { restarts: number; phase: string } {
  try {
    const file = JSON.parse(readFileSync(join(ROOT, '.devenv', 'state.json'), 'utf8')) as {
      state: { services: Record<string, { restarts: number; phase: string }> } | null;
    };
    const worker = file.state?.services['worker-typescript'];
    return { restarts: worker?.restarts ?? -1, phase: worker?.phase ?? 'missing' };
  } catch {
    return { restarts: -1, phase: 'unreadable' };
  }
}

async function until(ok: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const ready = (health: number) => async () =>
  (await fetch(`http://127.0.0.1:${health}/readyz`).then(
    (r) => r.status,
    () => 0,
  )) === 200;

function spawnWorker(health: number) {
  return spawn(process.execPath, ['--import', 'tsx', 'workers/typescript/src/worker.ts'], {
    cwd: ROOT,
    stdio: 'ignore',
    env: {
      ...process.env,
      HEALTH_PORT: String(health),
      METRICS_PORT: String(health + 1),
      TS_TASK_QUEUE: `bench-reload-${process.pid}`,
      DB_MIGRATE: '0',
      DB_SEED: '0',
    },
  });
}

/** The baseline: SIGTERM a ready worker, then start it again until /readyz is 200. */
async function bareRestart(): Promise<number> {
  const health = await freePort();
  const previous = spawnWorker(health);
  await until(ready(health));
  const started = performance.now();
  previous.kill('SIGTERM');
  await waitExit(previous);
  const next = spawnWorker(health);
  await until(ready(health));
  const ms = performance.now() - started;
  next.kill('SIGTERM');
  await waitExit(next);
  return ms;
}

const { child, ms } = timeUntil(['up', '--no-logs'], /worker-typescript\s+healthy/, 180_000);
await ms;
const original = await readFile(ACTIVITY, 'utf8');
const bare: number[] = [];
const reload: number[] = [];
try {
  for (let i = 0; i < rounds; i++) {
    bare.push(await bareRestart());
    const before = workerState().restarts;
    const saved = performance.now();
    await writeFile(ACTIVITY, original);
    await until(() => {
      const s = workerState();
      return s.restarts > before && s.phase === 'healthy';
    });
    reload.push(performance.now() - saved);
  }
} finally {
  await writeFile(ACTIVITY, original);
  child.kill('SIGINT');
  await waitExit(child);
}
console.log(
  `kill the worker + start it by hand until ready: ${median(bare).toFixed(0)} ms (median of ${rounds})`,
);
console.log(
  `save an activity → devenv restarts it, ready: ${median(reload).toFixed(0)} ms (median of ${rounds})`,
);
console.log(
  `ratio = ${(median(reload) / median(bare)).toFixed(3)} (target ≤ 1.2; absolute target ≤ 1 s)`,
);
