/**
 * Work survives a worker's end (issue #25), with the real worker processes (TypeScript and
 * Python) on a real dev server:
 * - an activity attempt lost with a SIGKILLed worker is retried on the next worker as soon as
 *   its startToCloseTimeout (routing.ts ACTIVITY_ATTEMPT_TIMEOUTS) runs out, not after the 300 s
 *   scheduleToCloseTimeout, and the workflow completes;
 * - SIGTERM drains: an in-flight activity finishes within the grace and the worker exits 0; one
 *   that outlives the grace is cancelled, the worker exits 0, and the next worker retries it.
 * The greeting activities are made slow with DEMO_ACTIVITY_DELAY_MS so a signal finds them
 * running. No Postgres: these workflows never touch it (DB_MIGRATE=0).
 */
import { create } from '@bufbuild/protobuf';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  WorkflowDemoPythonRequestSchema,
  WorkflowDemoTypeScriptRequestSchema,
} from '../../protos/gen/ts/timecop/workflows/v1/demo_pb.js';
import { ensureWorkerPython, pythonWorkerCommand } from '../python/env.js';
import { MAX_DEMO_DELAY_MS } from '../typescript/src/config.js';
import {
  ACTIVITY_ATTEMPT_TIMEOUTS,
  ACTIVITY_TYPES,
  millisecondsOf,
  TASK_QUEUES,
} from '../typescript/src/routing.js';
import { freePort, spawnWorker, startDevServer, type WorkerProcess } from './support.js';

const { PendingActivityState, TimeoutType } = temporal.api.enums.v1;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

let env: TestWorkflowEnvironment;
let python: { command: string; args: string[]; env: Record<string, string> };
/** Workers a test started; stopped after it, so the next test's workers are the only pollers. */
const perTest: WorkerProcess[] = [];

beforeAll(async () => {
  const [devServer, venv] = await Promise.all([startDevServer(), ensureWorkerPython()]);
  env = devServer;
  if (!venv.ok) throw new Error(`the Python worker's venv: ${JSON.stringify(venv.error)}`);
  python = pythonWorkerCommand(venv.value);
}, 180_000);

afterAll(async () => {
  await env?.teardown();
}, 60_000);

afterEach(() => killAll(perTest), 30_000);

async function killAll(workers: WorkerProcess[]): Promise<void> {
  for (const worker of workers.splice(0)) {
    worker.child.kill('SIGKILL');
    await worker.exited;
  }
}

function temporalEnv(): Record<string, string> {
  return {
    TEMPORAL_HOST: env.connection.options.address,
    TEMPORAL_NAMESPACE: env.namespace ?? 'time-cop',
  };
}

/** The TypeScript worker as devenv runs it; resolves once it polls. */
async function typescriptWorker(
  extra: Record<string, string> = {},
  owner = perTest,
): Promise<WorkerProcess> {
  const [healthPort, metricsPort] = await Promise.all([freePort(), freePort()]);
  const worker = spawnWorker(
    process.execPath,
    ['--import', 'tsx/esm', 'workers/typescript/src/worker.ts'],
    {
      ...temporalEnv(),
      DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
      DB_MIGRATE: '0',
      DB_SEED: '0',
      METRICS_PORT: String(metricsPort),
      ...extra,
    },
    healthPort,
  );
  owner.push(worker);
  await worker.ready(90_000);
  return worker;
}

/** The Python worker (from its venv); resolves once it polls. */
async function pythonWorker(extra: Record<string, string> = {}): Promise<PythonProcess> {
  const worker = await spawnPython(extra);
  await worker.ready(60_000);
  return worker;
}

async function spawnPython(extra: Record<string, string>): Promise<PythonProcess> {
  const [healthPort, metricsPort] = await Promise.all([freePort(), freePort()]);
  const worker = spawnWorker(
    python.command,
    python.args,
    { ...python.env, ...temporalEnv(), METRICS_PORT: String(metricsPort), ...extra },
    healthPort,
  );
  perTest.push(worker);
  return Object.assign(worker, {
    readyzStatus: () =>
      fetch(`http://127.0.0.1:${healthPort}/readyz`).then(
        (r) => r.status,
        () => 0,
      ),
  });
}

interface PythonProcess extends WorkerProcess {
  /** GET /readyz's status; 0 when nothing answers. */
  readyzStatus(): Promise<number>;
}

function greetTypeScript(name: string) {
  return env.client.workflow.start('WorkflowDemoTypeScript', {
    taskQueue: TASK_QUEUES.typescript,
    workflowId: `WorkflowDemoTypeScript-${name}-${randomUUID().slice(0, 8)}`,
    args: [create(WorkflowDemoTypeScriptRequestSchema, { name })],
  });
}

function greetPython(name: string) {
  return env.client.workflow.start('WorkflowDemoPython', {
    taskQueue: TASK_QUEUES.typescript,
    workflowId: `WorkflowDemoPython-${name}-${randomUUID().slice(0, 8)}`,
    args: [create(WorkflowDemoPythonRequestSchema, { name })],
  });
}

/** Resolves once a worker has picked up the workflow's activity (it is running now). */
async function activityRunning(handle: WorkflowHandle): Promise<void> {
  for (const deadline = Date.now() + 30_000; ; await sleep(50)) {
    const pending = (await handle.describe()).raw.pendingActivities ?? [];
    if (pending.some((a) => a.state === PendingActivityState.PENDING_ACTIVITY_STATE_STARTED))
      return;
    if (Date.now() > deadline) throw new Error('the activity never started');
  }
}

/**
 * The workflow's result, or a failure naming the likely cause once `ms` pass: a lost attempt that
 * nothing times out waits for the whole scheduleToCloseTimeout.
 */
async function resultWithin<T>(handle: WorkflowHandle, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `${handle.workflowId} did not complete within ${ms} ms: its lost activity attempt was ` +
              'not retried (is startToCloseTimeout set?)',
          ),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([handle.result() as Promise<T>, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The attempt that completed the activity, with the failure of the attempt before it. */
async function completedAttempt(handle: WorkflowHandle) {
  const events: HistoryEvent[] = (await handle.fetchHistory()).events ?? [];
  const started = events.find((e) => e.activityTaskStartedEventAttributes);
  return {
    completed: events.some((e) => e.activityTaskCompletedEventAttributes),
    attempt: started?.activityTaskStartedEventAttributes?.attempt,
    lastFailure: started?.activityTaskStartedEventAttributes?.lastFailure ?? undefined,
  };
}

const attemptMs = (activity: keyof typeof ACTIVITY_ATTEMPT_TIMEOUTS) =>
  millisecondsOf(ACTIVITY_ATTEMPT_TIMEOUTS[activity].startToCloseTimeout);
// The lost attempt times out, a 1 s retry backoff, a worker that may still be starting: well
// inside this, and far from the 300 s an attempt without a startToCloseTimeout waits.
const RECOVERY_MARGIN_MS = 5_000;

/** What the next attempt records when the previous one was cancelled by its worker's stop. */
const RETRIED_AFTER_SHUTDOWN = {
  completed: true,
  attempt: 2,
  lastFailure: { applicationFailureInfo: { type: 'WorkerShutdown' } },
};

describe('the TypeScript worker', () => {
  it('SIGKILLed mid-activity: the next worker retries the lost attempt and the workflow completes', async () => {
    const first = await typescriptWorker({ DEMO_ACTIVITY_DELAY_MS: String(MAX_DEMO_DELAY_MS) });
    const handle = await greetTypeScript('Kill');
    await activityRunning(handle);
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

    // The budget counts from the second worker's start.
    const budget = attemptMs(ACTIVITY_TYPES.sayHelloTypeScript) + RECOVERY_MARGIN_MS;
    const [result] = await Promise.all([
      resultWithin<{ greeting: string }>(handle, budget),
      typescriptWorker(),
    ]);
    expect(result.greeting).toBe('Hello from a TypeScript Worker, Kill!');
    const { attempt, lastFailure } = await completedAttempt(handle);
    expect(attempt).toBe(2);
    expect(lastFailure?.timeoutFailureInfo?.timeoutType).toBe(
      TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE,
    );
  }, 90_000);

  it('SIGTERM mid-activity: the activity finishes within the grace, exit 0, the workflow completes', async () => {
    const first = await typescriptWorker({
      DEMO_ACTIVITY_DELAY_MS: '3000',
      SHUTDOWN_GRACE_MS: '20000',
    });
    const handle = await greetTypeScript('Drain');
    await activityRunning(handle);
    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    // Completed on the draining worker, before it exited: the first and only attempt.
    expect(await completedAttempt(handle)).toMatchObject({ completed: true, attempt: 1 });
    expect(first.output()).toContain('worker drained and stopped');

    await typescriptWorker(); // the workflow's last task needs a workflow worker
    const result = await resultWithin<{ greeting: string }>(handle, 30_000);
    expect(result.greeting).toBe('Hello from a TypeScript Worker, Drain!');
  }, 90_000);

  it('SIGTERM with an activity that outlives the grace: cancelled, exit 0, retried on the next worker', async () => {
    const first = await typescriptWorker({
      DEMO_ACTIVITY_DELAY_MS: String(MAX_DEMO_DELAY_MS),
      SHUTDOWN_GRACE_MS: '500',
    });
    const handle = await greetTypeScript('Grace');
    await activityRunning(handle);
    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(await completedAttempt(handle)).toMatchObject({ completed: false });

    await typescriptWorker();
    const result = await resultWithin<{ greeting: string }>(handle, 30_000);
    expect(result.greeting).toBe('Hello from a TypeScript Worker, Grace!');
    expect(await completedAttempt(handle)).toMatchObject(RETRIED_AFTER_SHUTDOWN);
  }, 90_000);
});

describe('the Python worker', () => {
  // WorkflowDemoPython runs on the TypeScript worker; only its activity is Python's.
  const workflowWorker: WorkerProcess[] = [];
  beforeAll(async () => {
    await typescriptWorker({}, workflowWorker);
  }, 120_000);
  afterAll(() => killAll(workflowWorker), 30_000);

  it('SIGKILLed mid-activity: the next worker retries the lost attempt and the workflow completes', async () => {
    const first = await pythonWorker({ DEMO_ACTIVITY_DELAY_MS: '5000' });
    const handle = await greetPython('Kill');
    await activityRunning(handle);
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

    // The budget counts from the second worker's start.
    const budget = attemptMs(ACTIVITY_TYPES.sayHelloPython) + RECOVERY_MARGIN_MS;
    const [result] = await Promise.all([
      resultWithin<{ greeting: string }>(handle, budget),
      pythonWorker(),
    ]);
    expect(result.greeting).toBe('Hello from a Python Worker, Kill!');
    const { attempt, lastFailure } = await completedAttempt(handle);
    expect(attempt).toBe(2);
    expect(lastFailure?.timeoutFailureInfo?.timeoutType).toBe(
      TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE,
    );
  }, 90_000);

  it('SIGTERM mid-activity: the activity finishes within the grace, exit 0, the workflow completes', async () => {
    const first = await pythonWorker({
      DEMO_ACTIVITY_DELAY_MS: '3000',
      SHUTDOWN_GRACE_MS: '20000',
    });
    const handle = await greetPython('Drain');
    await activityRunning(handle);
    first.child.kill('SIGTERM');
    // Not ready from the start of the drain, while the activity still runs.
    let status = 200;
    for (const deadline = Date.now() + 2_000; status === 200 && Date.now() < deadline;)
      status = await first.readyzStatus();
    expect(status).toBe(503);
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(await completedAttempt(handle)).toMatchObject({ completed: true, attempt: 1 });
    const result = await resultWithin<{ greeting: string }>(handle, 30_000);
    expect(result.greeting).toBe('Hello from a Python Worker, Drain!');
  }, 90_000);

  it('SIGTERM with an activity that outlives the grace: cancelled, exit 0, retried on the next worker', async () => {
    const first = await pythonWorker({ DEMO_ACTIVITY_DELAY_MS: '5000', SHUTDOWN_GRACE_MS: '500' });
    const handle = await greetPython('Grace');
    await activityRunning(handle);
    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });

    await pythonWorker();
    const result = await resultWithin<{ greeting: string }>(handle, 30_000);
    expect(result.greeting).toBe('Hello from a Python Worker, Grace!');
    expect(await completedAttempt(handle)).toMatchObject(RETRIED_AFTER_SHUTDOWN);
  }, 90_000);

  it('SIGTERM while Temporal does not answer yet: the start ends at once, exit 0', async () => {
    const waiting = await spawnPython({ TEMPORAL_HOST: `127.0.0.1:${await freePort()}` });
    for (
      const deadline = Date.now() + 30_000;
      !/could not connect to Temporal/.test(waiting.output());
    ) {
      if (Date.now() > deadline) throw new Error(`never retried:\n${waiting.output()}`);
      await sleep(100);
    }
    const asked = Date.now();
    waiting.child.kill('SIGTERM');
    expect(await waiting.exited).toEqual({ code: 0, signal: null });
    // Not the minute of connection retries, nor the grace: nothing was running yet.
    expect(Date.now() - asked).toBeLessThan(5_000);
    expect(waiting.output()).toContain('stopped before the worker started polling');
  }, 60_000);
});
