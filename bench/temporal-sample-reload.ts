// Save → the new worker polls, for a project shaped like Temporal's hello-world sample
// (devenv/test/temporal-sample: the Temporal dev server through `tool: temporal`, a worker with
// its task queue in code, develop.watch → restart, the temporal_worker probe). devenv's figure is
// its own: the "worker ready N s after the save" line (the save's mtime → the restarted worker's
// probe saw its new pollers). Baseline in the same run: the same restart by hand, a worker
// started with the same command in the same directory, SIGTERM, start it again, until
// DescribeTaskQueue lists the new process's workflow and activity pollers.
// Run: npx tsx bench/temporal-sample-reload.ts [rounds]   (free ports: no stack lock needed)
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describePollers, type PollerKind } from '../devenv/src/health/temporal-pollers.js';
import { startSample, type RunningSample } from '../devenv/test/temporal-sample/start-sample.js';
import { median, waitExit } from './devenv-run.js';

const rounds = Number(process.argv[2] ?? 5);
const READY_LINE = /worker ready ([\d.]+) s after the save/g;

/** Milliseconds until the pid's own pollers of both kinds are listed (or throws after 2 min). */
async function untilPolling(sample: RunningSample, pid: number, since: number): Promise<number> {
  const target = {
    address: sample.temporalAddress,
    namespace: 'default',
    taskQueue: 'hello-world',
  };
  const identity = `${pid}@${hostname()}`;
  const polls = async (kind: PollerKind) => {
    const reply = await describePollers(target, kind, 2_000);
    return reply.ok && reply.pollers.some((poller) => poller.identity === identity);
  };
  while (performance.now() - since < 120_000) {
    if ((await polls('workflow')) && (await polls('activity'))) return performance.now() - since;
    await sleep(25);
  }
  throw new Error(`worker ${identity} did not poll within 2 minutes`);
}

function startByHand(sample: RunningSample): ChildProcess {
  return spawn('node', ['--import', 'tsx/esm', 'src/worker.ts'], {
    cwd: sample.dir,
    env: { ...process.env, TEMPORAL_ADDRESS: sample.temporalAddress },
    stdio: 'ignore',
  });
}

/** devenv's own save → ready figures so far, in ms. */
const devenvFigures = (sample: RunningSample) =>
  [...sample.devenv.output().matchAll(READY_LINE)].map((match) => Number(match[1]) * 1000);

const sample = await startSample();
const byHand: number[] = [];
const handExit: number[] = [];
const saved: number[] = [];
let worker: ChildProcess | undefined;
try {
  await sample.devenv.waitFor(/worker\s+healthy/, 180_000);
  worker = startByHand(sample);
  await untilPolling(sample, worker.pid!, performance.now());
  for (let i = 0; i < rounds; i++) {
    const killed = performance.now();
    worker.kill('SIGTERM');
    await waitExit(worker);
    handExit.push(performance.now() - killed);
    worker = startByHand(sample);
    byHand.push(await untilPolling(sample, worker.pid!, killed));

    const before = devenvFigures(sample).length;
    // A real change each round: a comment the code does not read.
    await appendFile(join(sample.dir, 'src', 'activities.ts'), `// bench round ${i}\n`);
    while (devenvFigures(sample).length === before) await sleep(50);
    saved.push(devenvFigures(sample).at(-1)!);
  }
} finally {
  worker?.kill('SIGTERM');
  if (worker) await waitExit(worker);
  await sample.stop();
}
const f = (values: number[]) => `${median(values).toFixed(0)} ms`;
const each = (values: number[]) => values.map((ms) => ms.toFixed(0)).join(', ');
console.log(`medians of ${rounds} rounds (devenv: ${each(saved)} ms; by hand: ${each(byHand)} ms)`);
console.log(`kill the worker + start it by hand until its new pollers are listed: ${f(byHand)}`);
console.log(`  of which SIGTERM → the old worker exited: ${f(handExit)}`);
console.log(
  `save src/activities.ts → devenv's restarted worker polls (its reload line): ${f(saved)}`,
);
console.log(`ratio = ${(median(saved) / median(byHand)).toFixed(3)}`);
