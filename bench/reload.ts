// Edit-to-ready for an activity change: devenv notices the save, restarts only the TypeScript
// worker and it polls again; baseline in the same run: killing a running worker and starting it
// again by hand (node + tsx) until its /readyz answers. Targets: ratio ≤ 1.2, and ≤ 1 s absolute.
// The worker's workflow-bundle cache (workers/typescript/src/workflow-bundle-cache.ts) speeds up
// both sides (the baseline starts the same worker.ts): the ratio uses the baseline with the
// cache; the same restart with the cache off is printed for reference.
// Run: npx tsx bench/reload.ts [rounds]   (uses the default stack's ports: stop `npm run dev` first)
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { median, ROOT, timeUntil, waitExit } from './devenv-run.js';
import { bareRestart, reloadTimes, serviceState } from './reload-support.js';

const rounds = Number(process.argv[2] ?? 3);
const ACTIVITY = join(ROOT, 'workers', 'typescript', 'src', 'activities', 'say-hello.ts');
const SERVICE = 'worker-typescript';

const { child, ms } = timeUntil(['up', '--no-logs'], /worker-typescript\s+healthy/, 180_000);
await ms;
const original = await readFile(ACTIVITY, 'utf8');
const bare: number[] = [];
const bareNoCache: number[] = [];
const polls: number[] = [];
const healthy: number[] = [];
try {
  for (let i = 0; i < rounds; i++) {
    bare.push(await bareRestart());
    bareNoCache.push(await bareRestart({ WORKFLOW_BUNDLE_CACHE_DIR: 'off' }));
    const before = serviceState(SERVICE);
    const saved = performance.now();
    await writeFile(ACTIVITY, original);
    const times = await reloadTimes(SERVICE, 7081, before, saved);
    polls.push(times.polls);
    healthy.push(times.healthy);
  }
} finally {
  await writeFile(ACTIVITY, original);
  child.kill('SIGINT');
  await waitExit(child);
}
const f = (values: number[]) => `${median(values).toFixed(0)} ms`;
console.log(`medians of ${rounds} rounds`);
console.log(`kill the worker + start it by hand until /readyz 200: ${f(bare)}`);
console.log(`  the same with the workflow-bundle cache off (webpack at start): ${f(bareNoCache)}`);
console.log(`save an activity → devenv restarts it → its /readyz 200: ${f(polls)}`);
console.log(`  … → devenv shows it healthy (its probe, via state.json): ${f(healthy)}`);
console.log(
  `ratio = ${(median(polls) / median(bare)).toFixed(3)} (target ≤ 1.2); absolute ${f(polls)} (target ≤ 1000 ms)`,
);
