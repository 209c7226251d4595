/**
 * The TypeScript worker as devenv runs it (`node --import tsx workers/typescript/src/worker.ts`,
 * its own process) against a real dev server and a throwaway PostgreSQL: probes, metrics,
 * migration + seed, Postgres going away and coming back, malformed input, and SIGTERM draining
 * an in-flight activity.
 */
import { create } from '@bufbuild/protobuf';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowDemoTypeScriptRequestSchema } from '../../protos/gen/ts/timecop/workflows/v1/demo_pb.js';
import { SummarizePatientContextWorkflowRequestSchema } from '../../protos/gen/ts/timecop/workflows/v1/summarize_patient_context_pb.js';
import {
  ACTIVITY_DURATION_METRIC,
  DURATION_BUCKETS_MS,
  WORKFLOW_DURATION_METRIC,
} from '../typescript/src/metrics.js';
import { TASK_QUEUES } from '../typescript/src/routing.js';
import {
  freePort,
  histogramBounds,
  spawnWorker,
  startDevServer,
  startPostgres,
  type TestPostgres,
  type WorkerProcess,
} from './support.js';

const postgres: TestPostgres = await startPostgres();
let env: TestWorkflowEnvironment;
let worker: WorkerProcess;
let healthPort: number;
let metricsPort: number;

beforeAll(async () => {
  env = await startDevServer();
  [healthPort, metricsPort] = await Promise.all([freePort(), freePort()]);
  worker = spawnWorker(
    process.execPath,
    ['--import', 'tsx/esm', 'workers/typescript/src/worker.ts'],
    {
      TEMPORAL_HOST: env.connection.options.address,
      TEMPORAL_NAMESPACE: env.namespace ?? 'time-cop',
      DATABASE_URL: postgres.url,
      METRICS_PORT: String(metricsPort),
      DEMO_ACTIVITY_DELAY_MS: '2000',
      SHUTDOWN_GRACE_MS: '15000',
    },
    healthPort,
  );
  await worker.ready(90_000);
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
  await postgres.dispose();
}, 60_000);

const id = (name: string) => `${name}-${Date.now()}-${randomUUID().slice(0, 8)}`;

describe(`the worker process (Postgres: ${postgres.description})`, () => {
  it('answers /healthz and /readyz, and serves both time_cop histograms with our buckets', async () => {
    expect((await fetch(`http://127.0.0.1:${healthPort}/healthz`)).status).toBe(200);
    expect(await (await fetch(`http://127.0.0.1:${healthPort}/readyz`)).json()).toMatchObject({
      status: 'ready',
      activities: { generation: 1, since: expect.any(String) },
    });
    // Swapping activity code is for devenv's native run (HOT_RELOAD=1) only.
    const reload = await fetch(`http://127.0.0.1:${healthPort}/reload`, { method: 'POST' });
    expect(reload.status).toBe(405);
    // Run one workflow so both histograms have samples.
    await env.client.workflow.execute('SummarizePatientContextWorkflow', {
      taskQueue: TASK_QUEUES.typescript,
      workflowId: id('SummarizePatientContextWorkflow'),
      args: [create(SummarizePatientContextWorkflowRequestSchema, { patientId: 'patient-002' })],
    });
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const expected = [...DURATION_BUCKETS_MS.map(String), '+Inf'];
    expect(histogramBounds(text, WORKFLOW_DURATION_METRIC)).toEqual(expected);
    expect(histogramBounds(text, ACTIVITY_DURATION_METRIC)).toEqual(expected);
    expect(text).toMatch(
      /time_cop_activity_durations_ms_count\{[^}]*activity_type="FetchPatientEvents"/,
    );
  });

  it('summarizes a patient from the migrated and seeded database', async () => {
    const result = await env.client.workflow.execute('SummarizePatientContextWorkflow', {
      taskQueue: TASK_QUEUES.typescript,
      workflowId: id('SummarizePatientContextWorkflow'),
      args: [
        create(SummarizePatientContextWorkflowRequestSchema, {
          patientId: 'patient-001',
          maxEvents: 10,
        }),
      ],
    });
    expect(result).toMatchObject({ patientId: 'patient-001', eventCount: 5 });
    expect(result.summary).toContain('1 admission, 2 lab results, 1 medication, 1 discharge');
  });

  it('Postgres down: FetchPatientEvents retries with backoff, and the workflow finishes when it is back', async () => {
    await postgres.stop();
    const handle = await env.client.workflow.start('SummarizePatientContextWorkflow', {
      taskQueue: TASK_QUEUES.typescript,
      workflowId: id('SummarizePatientContextWorkflow-pg-down'),
      args: [create(SummarizePatientContextWorkflowRequestSchema, { patientId: 'patient-001' })],
    });
    // Wait for a failed attempt or two while the database is away.
    let attempt = 0;
    let lastFailure = '';
    for (const deadline = Date.now() + 30_000; attempt < 3 && Date.now() < deadline;) {
      await sleep(250);
      const pending = (await handle.describe()).raw.pendingActivities?.[0];
      attempt = pending?.attempt ?? 0;
      lastFailure = pending?.lastFailure?.message ?? lastFailure;
    }
    expect(attempt).toBeGreaterThanOrEqual(3);
    expect(lastFailure).toMatch(/ECONNREFUSED|connect|terminat/i);
    await postgres.start();
    const result = await handle.result();
    // Nothing lost: the full history of the patient, as with Postgres up all along.
    expect(result).toMatchObject({ patientId: 'patient-001', eventCount: 5 });
  }, 90_000);

  it('fails a workflow started with a corrupt payload with a named non-retryable error', async () => {
    const workflowId = id('WorkflowDemoTypeScript-corrupt');
    const text = (s: string) => new TextEncoder().encode(s);
    await env.client.workflowService.startWorkflowExecution({
      namespace: env.namespace ?? 'time-cop',
      workflowId,
      requestId: randomUUID(),
      workflowType: { name: 'WorkflowDemoTypeScript' },
      taskQueue: { name: TASK_QUEUES.typescript },
      input: {
        payloads: [
          {
            metadata: {
              encoding: text('binary/protobuf'),
              messageType: text('timecop.workflows.v1.WorkflowDemoTypeScriptRequest'),
            },
            data: new Uint8Array([0x0a, 0xff, 0xff, 0xff]), // field 1, a length far past the end
          },
        ],
      },
    });
    const failure = await env.client.workflow
      .getHandle(workflowId)
      .result()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause).toMatchObject({
      type: 'CorruptProtobufPayload',
      nonRetryable: true,
    });
  });

  it('fails a workflow with an empty name as InvalidRequest, before any activity', async () => {
    const failure = await env.client.workflow
      .execute('WorkflowDemoTypeScript', {
        taskQueue: TASK_QUEUES.typescript,
        workflowId: id('WorkflowDemoTypeScript-empty'),
        args: [create(WorkflowDemoTypeScriptRequestSchema, { name: '' })],
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((failure as WorkflowFailedError).cause, worker.output()).toMatchObject({
      type: 'InvalidRequest',
      nonRetryable: true,
    });
  });

  it('logs JSON lines with workflow id, run id, activity type and attempt', () => {
    const line = worker
      .jsonLines()
      .find(
        (l) => l['activityType'] === 'FetchPatientEvents' && l['msg'] === 'fetched patient events',
      );
    expect(line, worker.output()).toMatchObject({
      level: 'info',
      service: 'worker-typescript',
      attempt: expect.any(Number),
    });
    expect(String(line?.['workflowId'])).toMatch(/^SummarizePatientContextWorkflow-/);
    expect(line?.['runId']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('on SIGTERM, stops being ready, finishes the in-flight activity, and exits 0', async () => {
    const handle = await env.client.workflow.start('WorkflowDemoTypeScript', {
      taskQueue: TASK_QUEUES.typescript,
      workflowId: id('WorkflowDemoTypeScript-drain'),
      args: [create(WorkflowDemoTypeScriptRequestSchema, { name: 'Drain' })],
    });
    // The greeting takes 2 s here (DEMO_ACTIVITY_DELAY_MS): signal while it runs.
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(50)) {
      const state = (await handle.describe()).raw.pendingActivities?.[0]?.state;
      if (String(state) === '2' || String(state).endsWith('STARTED')) break;
    }
    worker.child.kill('SIGTERM');
    await sleep(200);
    expect(
      (await fetch(`http://127.0.0.1:${healthPort}/readyz`).then(
        (r) => r.status,
        () => 0,
      )) !== 200,
    ).toBe(true);
    const status = await worker.exited;
    expect(status).toEqual({ code: 0, signal: null });
    const history = await handle.fetchHistory();
    const completed = history.events?.filter((e) => e.activityTaskCompletedEventAttributes) ?? [];
    expect(completed).toHaveLength(1);
  }, 40_000);

  it('a SIGTERM while the start still waits for Postgres ends it at once, exit 0', async () => {
    const [health, metrics, nothing] = await Promise.all([freePort(), freePort(), freePort()]);
    const waiting = spawnWorker(
      process.execPath,
      ['--import', 'tsx/esm', 'workers/typescript/src/worker.ts'],
      {
        TEMPORAL_HOST: env.connection.options.address,
        DATABASE_URL: `postgres://nobody@127.0.0.1:${nothing}/none`,
        METRICS_PORT: String(metrics),
        SHUTDOWN_GRACE_MS: '30000',
      },
      health,
    );
    for (
      const deadline = Date.now() + 30_000;
      !/could not migrate Postgres/.test(waiting.output());
    ) {
      if (Date.now() > deadline) throw new Error(`never retried:\n${waiting.output()}`);
      await sleep(100);
    }
    const asked = Date.now();
    waiting.child.kill('SIGTERM');
    expect(await waiting.exited).toEqual({ code: 0, signal: null });
    // Not the 30 s grace: nothing was running yet.
    expect(Date.now() - asked).toBeLessThan(5_000);
    expect(waiting.output()).toContain('stopped before the worker started polling');
  }, 60_000);
});
