/**
 * TypeScript workflow → Python activity → typed proto result, on a real dev server
 * (`temporal server start-dev` from the toolchain) with the real Python worker process (venv
 * from requirements.lock). Also: both workers export the same histogram buckets, and the Python
 * worker logs JSON with the activity's identity and drains on SIGTERM.
 */
import { create, isMessage } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { ActivityFailure, ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, Worker } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateSummaryRequestSchema,
  CreateSummaryResponseSchema,
} from '../../protos/gen/ts/timecop/activities/v1/create_summary_pb.js';
import {
  PatientEventKind,
  PatientEventSchema,
} from '../../protos/gen/ts/timecop/activities/v1/patient_event_pb.js';
import { ActivitySayHelloRequestSchema } from '../../protos/gen/ts/timecop/activities/v1/say_hello_pb.js';
import {
  WorkflowDemoMixedRequestSchema,
  WorkflowDemoMixedResponseSchema,
} from '../../protos/gen/ts/timecop/workflows/v1/demo_pb.js';
import { ensureWorkerPython, pythonWorkerCommand } from '../python/env.js';
import { summarize } from '../typescript/src/activities/create-summary.js';
import { sdkLogger } from '../typescript/src/logging.js';
import {
  ACTIVITY_DURATION_METRIC,
  DURATION_BUCKETS_MS,
  prometheusTelemetry,
  WORKFLOW_DURATION_METRIC,
} from '../typescript/src/metrics.js';
import { TASK_QUEUES } from '../typescript/src/routing.js';
import { bundleWorkflows, workerOptions } from '../typescript/src/worker-setup.js';
import {
  freePort,
  histogramBounds,
  spawnWorker,
  startDevServer,
  testLogger,
  type WorkerProcess,
} from './support.js';

const TEST_WORKFLOWS = fileURLToPath(new URL('./workflows/cross-language.ts', import.meta.url));
const tsMetricsPort = await freePort();
const pyMetricsPort = await freePort();

let env: TestWorkflowEnvironment;
let python: WorkerProcess;
let workers: Worker[] = [];
let running: Promise<void>;
const unusedPool = new pg.Pool({ connectionString: 'postgres://unused@127.0.0.1:1/unused' });

beforeAll(async () => {
  // Before anything creates the SDK runtime: the TypeScript side's metrics endpoint.
  Runtime.install({
    logger: sdkLogger(testLogger),
    telemetryOptions: { metrics: prometheusTelemetry(`127.0.0.1:${tsMetricsPort}`) },
  });
  const [devServer, venv, productionBundle, testBundle] = await Promise.all([
    startDevServer(),
    ensureWorkerPython(),
    bundleWorkflows(),
    bundleWorkflows({ workflowsPath: TEST_WORKFLOWS }),
  ]);
  env = devServer;
  if (!venv.ok) throw new Error(JSON.stringify(venv.error));
  const cmd = pythonWorkerCommand(venv.value);
  python = spawnWorker(
    cmd.command,
    cmd.args,
    {
      ...cmd.env,
      TEMPORAL_HOST: env.connection.options.address,
      TEMPORAL_NAMESPACE: env.namespace ?? 'time-cop',
      METRICS_PORT: String(pyMetricsPort),
    },
    await freePort(),
  );
  const base = await workerOptions({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'time-cop',
    deps: { pool: unusedPool },
    meter: Runtime.instance().metricMeter,
    workflowBundle: productionBundle,
  });
  const tsWorker = await Worker.create(base);
  // The test workflows on a queue of their own (their activities still go to the Python queue).
  const testWorker = await Worker.create({
    ...base,
    taskQueue: `${TASK_QUEUES.typescript}-tests`,
    workflowBundle: testBundle,
  });
  workers = [tsWorker, testWorker];
  running = Promise.all(workers.map((w) => w.run())).then(() => {});
  await python.ready();
}, 180_000);

afterAll(async () => {
  for (const w of workers) w.shutdown();
  await running;
  await python?.stop();
  await env?.teardown();
  await unusedPool.end();
}, 60_000);

const id = (name: string) => `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

describe('TypeScript workflow → Python activity', () => {
  it('WorkflowDemoMixed greets from both workers and returns the typed proto response', async () => {
    const result = await env.client.workflow.execute('WorkflowDemoMixed', {
      taskQueue: TASK_QUEUES.typescript,
      workflowId: id('WorkflowDemoMixed'),
      args: [create(WorkflowDemoMixedRequestSchema, { name: 'Ada' })],
    });
    expect(isMessage(result, WorkflowDemoMixedResponseSchema)).toBe(true);
    expect(result.greetings).toEqual([
      'Hello from a TypeScript Worker, Ada!',
      'Hello from a Python Worker, Ada!',
    ]);
  });

  it('passes nested messages, enums, int64 and timestamps through Python and back', async () => {
    const events = [
      create(PatientEventSchema, {
        eventId: 9_007_199_254_740_993n, // beyond 2^53: survives only as a real int64
        kind: PatientEventKind.ADMISSION,
        occurredAt: timestampFromMs(Date.UTC(2025, 0, 10, 8, 15)),
        note: 'Admitted',
      }),
      create(PatientEventSchema, {
        eventId: 2n,
        kind: PatientEventKind.UNSPECIFIED,
        occurredAt: timestampFromMs(Date.UTC(2025, 0, 12, 16)),
        note: 'Zoë’s follow-up ✓',
      }),
    ];
    const result = await env.client.workflow.execute('CallCreateSummaryPython', {
      taskQueue: `${TASK_QUEUES.typescript}-tests`,
      workflowId: id('CallCreateSummaryPython'),
      args: [create(CreateSummaryRequestSchema, { patientId: 'patient-042', events })],
    });
    expect(isMessage(result, CreateSummaryResponseSchema)).toBe(true);
    expect(result.eventCount).toBe(2);
    // Python's summary is the TypeScript CreateSummary's, character for character.
    expect(result.summary).toBe(summarize('patient-042', events));
    expect(result.summary).toContain('Zoë’s follow-up ✓');
  });

  it('a Python InvalidRequest fails the activity once, non-retryable, with its type', async () => {
    const failure = await env.client.workflow
      .execute('CallSayHelloPython', {
        taskQueue: `${TASK_QUEUES.typescript}-tests`,
        workflowId: id('CallSayHelloPython'),
        args: [create(ActivitySayHelloRequestSchema, { name: '  ' })],
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const activity = (failure as WorkflowFailedError).cause as ActivityFailure;
    expect(activity).toBeInstanceOf(ActivityFailure);
    expect(activity.retryState).toBe('NON_RETRYABLE_FAILURE');
    expect(activity.cause).toBeInstanceOf(ApplicationFailure);
    expect(activity.cause).toMatchObject({ type: 'InvalidRequest', nonRetryable: true });
  });
});

describe('observability across both workers', () => {
  it('export time_cop_* histograms with the same bucket bounds', async () => {
    const expected = [...DURATION_BUCKETS_MS.map(String), '+Inf'];
    const [ts, py] = await Promise.all(
      [tsMetricsPort, pyMetricsPort].map((port) =>
        fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text()),
      ),
    );
    expect(histogramBounds(ts!, ACTIVITY_DURATION_METRIC)).toEqual(expected);
    expect(histogramBounds(ts!, WORKFLOW_DURATION_METRIC)).toEqual(expected);
    expect(histogramBounds(py!, ACTIVITY_DURATION_METRIC)).toEqual(expected);
    expect(py).toMatch(
      /time_cop_activity_durations_ms_count\{[^}]*activity_type="ActivitySayHelloPython"/,
    );
  });

  it('the Python worker logs JSON lines naming workflow, run, activity type and attempt', () => {
    const line = python
      .jsonLines()
      .find((l) => l['activityType'] === 'ActivitySayHelloPython' && l['msg'] === 'saying hello');
    expect(line, python.output()).toBeDefined();
    expect(line).toMatchObject({ level: 'info', service: 'worker-python', attempt: 1 });
    expect(String(line?.['workflowId'])).toMatch(/^WorkflowDemoMixed-|^CallSayHelloPython-/);
    expect(line?.['runId']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('the Python worker stops on SIGTERM with a clean drain and exit 0', async () => {
    const status = await python.stop();
    expect(status).toEqual({ code: 0, signal: null });
    expect(python.output()).toContain('worker drained and stopped');
  });
});
