// The Temporal workers' performance targets, all measured in this one run:
//  - a 30-day-timer workflow (the reminder) under time skipping completes in ≤ 1 s wall
//    (median of 5, env and worker already up: the cost of the workflow itself);
//  - the whole Temporal suite (`vitest run workers/`) takes ≤ 2 min;
//  - worker throughput on a real dev server, WorkflowDemoTypeScript completions/s with the
//    metrics interceptors vs without: ratio ≥ 0.9 (alternating rounds, same process and server).
// Run: npx tsx bench/workers.ts [workflows-per-round] [--no-suite]
import { create } from '@bufbuild/protobuf';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import { Runtime, Worker } from '@temporalio/worker';
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { WorkflowDemoTypeScriptRequestSchema } from '../protos/gen/ts/timecop/workflows/v1/demo_pb.js';
import { LongTimerWorkflowRequestSchema } from '../protos/gen/ts/timecop/workflows/v1/long_timer_pb.js';
import { PROJECT_ROOT } from '../devenv/src/project-root.js';
import { startDevServer, startTimeSkipping } from '../workers/test/support.js';
import { createLogger, sdkLogger } from '../workers/typescript/src/logging.js';
import { prometheusTelemetry } from '../workers/typescript/src/metrics.js';
import { TASK_QUEUES } from '../workers/typescript/src/routing.js';
import { bundleWorkflows, workerOptions } from '../workers/typescript/src/worker-setup.js';
import { median } from './devenv-run.js';

const perRound = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 300);
const runSuite = !process.argv.includes('--no-suite');
const DAY_MS = 24 * 60 * 60 * 1000;
const unusedPool = new pg.Pool({ connectionString: 'postgres://unused@127.0.0.1:1/unused' });

Runtime.install({
  logger: sdkLogger(createLogger('bench', undefined, 'error')),
  // Metrics are exported (as in production) in both throughput variants; only the interceptors differ.
  telemetryOptions: { metrics: prometheusTelemetry('127.0.0.1:0') },
});

async function timerUnderTimeSkipping(): Promise<number[]> {
  const env = await startTimeSkipping();
  try {
    const worker = await Worker.create(
      await workerOptions({
        connection: env.nativeConnection,
        namespace: env.namespace ?? 'default',
        deps: { pool: unusedPool },
        workflowBundle: await bundleWorkflows(),
      }),
    );
    return await worker.runUntil(async () => {
      const walls: number[] = [];
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        await env.client.workflow.execute('LongTimerWorkflow', {
          taskQueue: TASK_QUEUES.typescript,
          workflowId: `bench-reminder-${Date.now()}-${i}`,
          args: [
            create(LongTimerWorkflowRequestSchema, {
              duration: durationFromMs(30 * DAY_MS),
              label: 'bench',
            }),
          ],
        });
        walls.push(performance.now() - started);
      }
      return walls;
    });
  } finally {
    await env.teardown();
  }
}

async function throughput(): Promise<{ with: number[]; without: number[] }> {
  const env = await startDevServer();
  try {
    const [withBundle, withoutBundle] = await Promise.all([
      bundleWorkflows({ metrics: true }),
      bundleWorkflows({ metrics: false }),
    ]);
    const rates = { with: [] as number[], without: [] as number[] };
    for (let round = 0; round < 3; round++) {
      // Alternate which goes first, so warm-up and server state favour neither.
      const order =
        round % 2 === 0 ? (['with', 'without'] as const) : (['without', 'with'] as const);
      for (const variant of order) {
        // One worker at a time on the production queue (the bundles route activities there).
        const queue = TASK_QUEUES.typescript;
        const worker = await Worker.create(
          await workerOptions({
            connection: env.nativeConnection,
            namespace: env.namespace ?? 'time-cop',
            deps: { pool: unusedPool },
            metrics: variant === 'with',
            meter: Runtime.instance().metricMeter,
            workflowBundle: variant === 'with' ? withBundle : withoutBundle,
          }),
        );
        const rate = await worker.runUntil(async () => {
          const started = performance.now();
          const inFlight = new Set<Promise<unknown>>();
          for (let i = 0; i < perRound; i++) {
            const p = env.client.workflow.execute('WorkflowDemoTypeScript', {
              taskQueue: queue,
              workflowId: `bench-${variant}-${round}-${i}`,
              args: [create(WorkflowDemoTypeScriptRequestSchema, { name: `n${i}` })],
            });
            inFlight.add(p);
            void p.finally(() => inFlight.delete(p));
            if (inFlight.size >= 50) await Promise.race(inFlight);
          }
          await Promise.all(inFlight);
          return perRound / ((performance.now() - started) / 1000);
        });
        rates[variant].push(rate);
      }
    }
    return rates;
  } finally {
    await env.teardown();
  }
}

const timer = await timerUnderTimeSkipping();
const rates = await throughput();
let suiteSeconds: number | undefined;
if (runSuite) {
  const started = performance.now();
  const suite = spawnSync('npx', ['vitest', 'run', 'workers/'], {
    cwd: PROJECT_ROOT,
    stdio: 'ignore',
  });
  suiteSeconds = (performance.now() - started) / 1000;
  if (suite.status !== 0) console.log(`the suite failed (exit ${suite.status})`);
}
await unusedPool.end();

const timerMs = median(timer);
const withRate = median(rates.with);
const withoutRate = median(rates.without);
console.log(
  `30-day timer under time skipping: median ${timerMs.toFixed(0)} ms wall (runs: ${timer.map((t) => t.toFixed(0)).join(', ')}) — target ≤ 1000 ms: ${timerMs <= 1000 ? 'ok' : 'MISSED'}`,
);
if (suiteSeconds !== undefined)
  console.log(
    `Temporal suite (vitest run workers/): ${suiteSeconds.toFixed(1)} s — target ≤ 120 s: ${suiteSeconds <= 120 ? 'ok' : 'MISSED'}`,
  );
console.log(
  `WorkflowDemoTypeScript throughput (${perRound} per round, 50 in flight): with metrics interceptors ${withRate.toFixed(1)}/s (${rates.with.map((r) => r.toFixed(1)).join(', ')}), without ${withoutRate.toFixed(1)}/s (${rates.without.map((r) => r.toFixed(1)).join(', ')})`,
);
console.log(
  `ratio with/without: ${(withRate / withoutRate).toFixed(3)} — target ≥ 0.9: ${withRate / withoutRate >= 0.9 ? 'ok' : 'MISSED'}`,
);
