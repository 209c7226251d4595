/**
 * The determinism guard devenv runs before it swaps in changed workflow code
 * (workers/typescript/src/replay-guard.ts, named by compose.yaml's x-devenv.reload_guard), against
 * a real dev server and the real worker process: an open WorkflowDemoMixed replays against the
 * current code, and the guard fails against a deliberately non-deterministic edit of it.
 */
import { create } from '@bufbuild/protobuf';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowDemoMixedRequestSchema } from '../../protos/gen/ts/timecop/workflows/v1/demo_pb.js';
import { runCommand } from '../../devenv/src/process/run-command.js';
import { startGuardServer } from '../../devenv/src/reload/guard-server.js';
import { PROJECT_ROOT } from '../../devenv/src/project-root.js';
import { freePort, spawnWorker, startDevServer, type WorkerProcess } from './support.js';

let env: TestWorkflowEnvironment;
let worker: WorkerProcess;
let guardEnv: Record<string, string>;
let healthPort: number;
const taskQueue = `guard-ts-${process.pid}`;
const workflowId = `WorkflowDemoMixed-guard-${Date.now()}`;

beforeAll(async () => {
  env = await startDevServer();
  guardEnv = {
    TEMPORAL_HOST: env.connection.options.address,
    TEMPORAL_NAMESPACE: env.namespace ?? 'time-cop',
    TS_TASK_QUEUE: taskQueue,
    // No Python worker polls this queue: the workflow stays open on its Python activity.
    PYTHON_TASK_QUEUE: `guard-py-${process.pid}`,
  };
  worker = spawnWorker(
    process.execPath,
    ['--import', 'tsx/esm', 'workers/typescript/src/worker.ts'],
    { ...guardEnv, DB_MIGRATE: '0', DB_SEED: '0', METRICS_PORT: String(await freePort()) },
    (healthPort = await freePort()),
  );
  await worker.ready(90_000);
  const handle = await env.client.workflow.start('WorkflowDemoMixed', {
    taskQueue,
    workflowId,
    args: [create(WorkflowDemoMixedRequestSchema, { name: 'guard' })],
  });
  // Open, with the TypeScript activity done and the Python one scheduled: a history worth replaying.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const events = (await handle.fetchHistory()).events ?? [];
    if (events.filter((e) => e.activityTaskScheduledEventAttributes).length >= 2) break;
    if (Date.now() > deadline) throw new Error('the workflow never reached its Python activity');
    await new Promise((r) => setTimeout(r, 200));
  }
}, 180_000);

afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
});

async function guard(...args: string[]) {
  const outcome = await runCommand(
    process.execPath,
    ['--import', 'tsx/esm', 'workers/typescript/src/replay-guard.ts', ...args],
    {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...guardEnv },
      timeoutMs: 120_000,
    },
  );
  // The report is the last JSON line; the SDK's own log lines may come around it.
  const line =
    outcome.tail
      .trim()
      .split('\n')
      .findLast((l) => l.startsWith('{"')) ?? '{}';
  return {
    code: outcome.code,
    report: JSON.parse(line) as {
      checked?: number;
      violations?: { workflowId: string; message: string }[];
      error?: string;
    },
  };
}

describe('determinism guard (real dev server, real worker)', () => {
  it('passes when the open workflows replay against the current code', async () => {
    const { code, report } = await guard();
    expect(report).toEqual({ checked: 1, violations: [] });
    expect(code).toBe(0);
  }, 120_000);

  it('fails, naming the workflow, against a non-deterministic edit', async () => {
    const { code, report } = await guard(
      '--workflows',
      'workers/test/workflows/nondeterministic.ts',
    );
    expect(code).toBe(1);
    expect(report.violations).toEqual([
      {
        workflowId,
        runId: expect.any(String),
        type: 'WorkflowDemoMixed',
        message: expect.stringMatching(/nondetermin/i),
      },
    ]);
    // The running worker was not touched: it still serves.
    expect((await fetch(`http://127.0.0.1:${healthPort}/readyz`)).status).toBe(200);
  }, 120_000);

  it('serves: one warm process answers check after check, the same verdicts (devenv reload_guard.serve)', async () => {
    const serve = (workflows?: string) =>
      startGuardServer({
        command: [
          process.execPath,
          '--import',
          'tsx/esm',
          'workers/typescript/src/replay-guard.ts',
          '--serve',
          ...(workflows ? ['--workflows', workflows] : []),
        ],
        cwd: PROJECT_ROOT,
        env: { ...process.env, ...guardEnv },
      });
    const good = serve();
    try {
      // Twice from the same process (how much faster a warm check is: bench/reload-workflow.ts).
      expect(await good.check(120_000)).toEqual({ ok: true, value: undefined });
      expect(await good.check(120_000)).toEqual({ ok: true, value: undefined });
    } finally {
      good.close();
    }
    const bad = serve('workers/test/workflows/nondeterministic.ts');
    try {
      const refused = await bad.check(120_000);
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.error).toMatch(new RegExp(`${workflowId}.*nondetermin`, 'i'));
    } finally {
      bad.close();
    }
  }, 240_000);
});
