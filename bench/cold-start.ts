// Cold start of the native stack to all-healthy, against the slowest single service started
// alone, both through `devenv up --ci` in the same run (target: ratio ≤ 1.1). Data directories
// are kept between runs (processes start cold; databases are not re-initialised).
// Run: npx tsx bench/cold-start.ts [runs]
// With the embedded Postgres: DEVENV_POSTGRES=pglite npx tsx bench/cold-start.ts [runs]
import { acquireStackLock } from '../devenv/test/stack-lock.js';
import { median, timeUntil, waitExit } from './devenv-run.js';

const runs = Number(process.argv[2] ?? 3);
const SERVICES = ['postgres', 'temporal', 'worker-typescript', 'worker-python', 'dispatcher'];

async function measure(args: string[]): Promise<number> {
  const { child, ms } = timeUntil(['up', '--ci', '--no-logs', ...args], /services ready/);
  const value = await ms;
  await waitExit(child);
  return value;
}

// The stack's fixed ports: tests and other benches take turns (a dead holder's lock is taken over).
const release = await acquireStackLock();
try {
  console.log(
    `postgres engine: ${process.env['DEVENV_POSTGRES'] || 'auto (PostgreSQL when installed)'}`,
  );
  // Warm-up: first starts initialise data directories and fill OS caches.
  await measure([]);
  const single: Record<string, number[]> = Object.fromEntries(SERVICES.map((s) => [s, []]));
  const whole: number[] = [];
  for (let i = 0; i < runs; i++) {
    for (const service of SERVICES) single[service]!.push(await measure([service]));
    whole.push(await measure([]));
  }
  const medians = Object.entries(single).map(([s, v]) => [s, median(v)] as const);
  const [slowest, slowestMs] = medians.reduce((a, b) => (b[1] > a[1] ? b : a));
  const wholeMs = median(whole);
  for (const [s, ms] of medians)
    console.log(`${s.padEnd(10)} alone    ${ms.toFixed(0)} ms (median of ${runs})`);
  console.log(`whole stack       ${wholeMs.toFixed(0)} ms (median of ${runs})`);
  console.log(
    `ratio = ${(wholeMs / slowestMs).toFixed(3)} (whole stack / slowest single service, ${slowest}; target ≤ 1.1)`,
  );
} finally {
  await release();
}
