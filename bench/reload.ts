// Edit-to-ready for an activity change: devenv notices the save and the running TypeScript worker
// swaps in the new activity code (x-devenv.hot_reload: a new activity Worker polls, no restart);
// ready = its /readyz reports the new activity generation. Baseline in the same run: killing a
// running worker and starting it again by hand (node + tsx) until its /readyz answers.
// Targets: ratio ≤ 1.2, and ≤ 1 s absolute. The worker's workflow-bundle cache speeds up the
// baseline (it starts the same worker.ts); the same restart with the cache off is printed too.
// Run: npx tsx bench/reload.ts [rounds]   (uses the default stack's ports: stop `npm run dev` first)
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireStackLock } from '../devenv/test/stack-lock.js';
import { median, ROOT, timeUntil, waitExit } from './devenv-run.js';
import { bareRestart, serviceState, until, workerGenerations } from './reload-support.js';

const rounds = Number(process.argv[2] ?? 3);
const ACTIVITY = join(ROOT, 'workers', 'typescript', 'src', 'activities', 'say-hello.ts');
const SERVICE = 'worker-typescript';

// The stack's fixed ports: tests and other benches take turns.
const releaseStack = await acquireStackLock();
const { child, ms } = timeUntil(['up', '--no-logs'], /worker-typescript\s+healthy/, 180_000);
await ms;
const original = await readFile(ACTIVITY, 'utf8');
const bare: number[] = [];
const bareNoCache: number[] = [];
const swapped: number[] = [];
let restarted = 0;
try {
  for (let i = 0; i < rounds; i++) {
    bare.push(await bareRestart());
    bareNoCache.push(await bareRestart({ WORKFLOW_BUNDLE_CACHE_DIR: 'off' }));
    const before = serviceState(SERVICE);
    const generation = (await workerGenerations(7081)).activities;
    const saved = performance.now();
    // A real change each round: a comment the code does not read.
    await writeFile(ACTIVITY, `${original}// bench round ${i} ${Date.now()}\n`);
    await until(async () => (await workerGenerations(7081)).activities > generation);
    swapped.push(performance.now() - saved);
    if (serviceState(SERVICE).restarts !== before.restarts) restarted++;
  }
} finally {
  await writeFile(ACTIVITY, original);
  child.kill('SIGINT');
  await waitExit(child);
  await releaseStack();
}
const f = (values: number[]) => `${median(values).toFixed(0)} ms`;
console.log(`medians of ${rounds} rounds`);
console.log(`kill the worker + start it by hand until /readyz 200: ${f(bare)}`);
console.log(`  the same with the workflow-bundle cache off (webpack at start): ${f(bareNoCache)}`);
console.log(`save an activity → the running worker polls with the new code: ${f(swapped)}`);
if (restarted > 0) console.log(`  but devenv restarted the worker in ${restarted} round(s)`);
console.log(
  `ratio = ${(median(swapped) / median(bare)).toFixed(3)} (target ≤ 1.2); absolute ${f(swapped)} (target ≤ 1000 ms)`,
);
