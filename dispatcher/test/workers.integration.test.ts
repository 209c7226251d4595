import { create, type DescMessage } from '@bufbuild/protobuf';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DefaultFailureConverter, type DataConverter } from '@temporalio/common';
import { StartWorkflowRequestSchema } from '../../protos/gen/ts/timecop/dispatcher/v1/dispatcher_pb.js';
import { payloadConverter } from '../../protos/ts/payload-converter.js';
import { contractsRegistry } from '../../protos/ts/registry.js';
import { ensureWorkerPython, pythonWorkerCommand } from '../../workers/python/env.js';
import { WORKFLOWS } from '../../workers/typescript/src/routing.js';
import {
  freePort as workerFreePort,
  spawnWorker,
  startPostgres,
  type TestPostgres,
  type WorkerProcess,
} from '../../workers/test/support.js';
import { resultJson } from '../src/dispatch.js';
import { startDispatcherProcess, type DispatcherProcess } from './dispatcher-process.js';
import { dispatcherClient } from './grpc-client.js';
import { NAMESPACE, startDevServer, type DevServer } from './temporal-dev-server.js';

/**
 * The whole path with the real workers: dispatcher process → real dev server → TypeScript worker
 * process (+ Postgres for the patient summary) and Python worker process. Each route's result is
 * compared with the same workflow started by a bare SDK client, and with gRPC's answer.
 */
let temporal: DevServer;
let postgres: TestPostgres;
let tsWorker: WorkerProcess;
let pyWorker: WorkerProcess;
let dispatcher: DispatcherProcess;
let connection: Connection;
let sdk: Client;

beforeAll(async () => {
  const [devServer, pg, venv] = await Promise.all([
    startDevServer(),
    startPostgres(),
    ensureWorkerPython(),
  ]);
  temporal = devServer;
  postgres = pg;
  if (!venv.ok) throw new Error(`Python worker venv: ${JSON.stringify(venv.error)}`);
  const common = {
    TEMPORAL_HOST: temporal.address,
    TEMPORAL_NAMESPACE: NAMESPACE,
    LOG_LEVEL: 'warn',
  };
  tsWorker = spawnWorker(
    process.execPath,
    ['--import', 'tsx/esm', 'workers/typescript/src/worker.ts'],
    { ...common, DATABASE_URL: postgres.url, METRICS_PORT: String(await workerFreePort()) },
    await workerFreePort(),
  );
  const py = pythonWorkerCommand(venv.value);
  pyWorker = spawnWorker(
    py.command,
    py.args,
    { ...py.env, ...common, METRICS_PORT: String(await workerFreePort()) },
    await workerFreePort(),
  );
  [dispatcher] = await Promise.all([
    startDispatcherProcess({ TEMPORAL_HOST: temporal.address }),
    tsWorker.ready(120_000),
    pyWorker.ready(120_000),
  ]);
  connection = await Connection.connect({ address: temporal.address });
  sdk = new Client({
    connection,
    namespace: NAMESPACE,
    dataConverter: {
      payloadConverter,
      failureConverter: new DefaultFailureConverter(),
      payloadCodecs: [],
    } as DataConverter,
  });
}, 300_000);

afterAll(async () => {
  await dispatcher?.stop();
  await Promise.all([tsWorker?.stop(), pyWorker?.stop()]);
  await connection?.close();
  await temporal?.stop();
  await postgres?.dispose();
});

async function startAndWait(
  path: string,
  body: unknown,
): Promise<{ workflowId: string; result: Record<string, unknown> }> {
  const started = await fetch(`${dispatcher.httpUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(started.status).toBe(201);
  const { workflow_id } = (await started.json()) as { workflow_id: string };
  const result = await fetch(
    `${dispatcher.httpUrl}/workflows/${encodeURIComponent(workflow_id)}/result?wait=30`,
  );
  const json = (await result.json()) as Record<string, unknown>;
  expect(result.status, JSON.stringify(json)).toBe(200);
  expect(json['status']).toBe('COMPLETED');
  return { workflowId: workflow_id, result: json['result'] as Record<string, unknown> };
}

/** The same workflow started by a bare SDK client: what the workflow itself returns. */
async function direct(
  route: (typeof WORKFLOWS)[keyof typeof WORKFLOWS],
  input: Record<string, unknown>,
): Promise<unknown> {
  const request = create(route.request as DescMessage, input as never);
  const value = await sdk.workflow.execute(route.type, {
    args: [request],
    taskQueue: route.taskQueue,
    workflowId: `direct-${route.type}-${Date.now()}-${Math.random()}`,
  });
  return resultJson(value);
}

describe('each route starts its workflow; the result is what the workflow returns', () => {
  it('POST /typescript/demo-mixed (TypeScript + Python activities)', async () => {
    const { result } = await startAndWait('/typescript/demo-mixed', { name: 'Zoë' });
    expect(result['greetings']).toHaveLength(2);
    expect(result).toEqual(await direct(WORKFLOWS.demoMixed, { name: 'Zoë' }));
  });

  it('POST /typescript/demo', async () => {
    const { result } = await startAndWait('/typescript/demo', { name: 'Ada' });
    expect(String(result['greeting'])).toContain('Ada');
    expect(result).toEqual(await direct(WORKFLOWS.demoTypeScript, { name: 'Ada' }));
  });

  it('POST /python/demo', async () => {
    const { result } = await startAndWait('/python/demo', { name: 'Guido' });
    expect(String(result['greeting'])).toContain('Guido');
    expect(result).toEqual(await direct(WORKFLOWS.demoPython, { name: 'Guido' }));
  });

  it('POST /typescript/summarize-patient-context (Postgres)', async () => {
    const { result } = await startAndWait('/typescript/summarize-patient-context', {
      patient_id: 'patient-001',
    });
    expect(result).toMatchObject({ patient_id: 'patient-001', event_count: 5 });
    expect(result).toEqual(
      await direct(WORKFLOWS.summarizePatientContext, { patientId: 'patient-001' }),
    );
  });

  it('POST /typescript/reminders, with its status query and snooze / fire-now signals', async () => {
    const started = await fetch(`${dispatcher.httpUrl}/typescript/reminders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ duration: '3600s', label: 'standup' }),
    });
    const { workflow_id: id } = (await started.json()) as { workflow_id: string };
    const status = async () =>
      (await (
        await fetch(`${dispatcher.httpUrl}/typescript/reminders/${id}/status`)
      ).json()) as Record<string, unknown>;
    const before = await status();
    expect(before).toMatchObject({ workflow_id: id, label: 'standup', snoozes: 0, fired: false });
    const snoozed = await fetch(`${dispatcher.httpUrl}/typescript/reminders/${id}/snooze`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ by_ms: 60_000 }),
    });
    expect(snoozed.status).toBe(202);
    const after = await status();
    expect(after['snoozes']).toBe(1);
    expect(Date.parse(String(after['fires_at'])) - Date.parse(String(before['fires_at']))).toBe(
      60_000,
    );
    expect(
      (
        await fetch(`${dispatcher.httpUrl}/typescript/reminders/${id}/fire-now`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(202);
    const result = (await (
      await fetch(`${dispatcher.httpUrl}/workflows/${id}/result?wait=30`)
    ).json()) as Record<string, unknown>;
    expect(result).toMatchObject({ status: 'COMPLETED', result: { label: 'standup' } });
    // A demo workflow is not a reminder: its signals are refused rather than sent.
    const demo = await startAndWait('/typescript/demo', { name: 'x' });
    expect(
      (await fetch(`${dispatcher.httpUrl}/typescript/reminders/${demo.workflowId}/status`)).status,
    ).toBe(404);
  });
});

describe('gRPC and HTTP give the same results', () => {
  it('StartWorkflow + GetWorkflowResult(wait) equals the HTTP result', async () => {
    const { client, call } = dispatcherClient(dispatcher.grpcAddress);
    try {
      for (const [grpcCase, type, input, path, body] of [
        [
          'demoMixed',
          'WorkflowDemoMixedRequest',
          { name: 'both' },
          '/typescript/demo-mixed',
          { name: 'both' },
        ],
        [
          'demoPython',
          'WorkflowDemoPythonRequest',
          { name: 'both' },
          '/python/demo',
          { name: 'both' },
        ],
        [
          'summarizePatientContext',
          'SummarizePatientContextWorkflowRequest',
          { patientId: 'patient-002' },
          '/typescript/summarize-patient-context',
          { patient_id: 'patient-002' },
        ],
      ] as const) {
        const inputSchema = contractsRegistry.getMessage(`timecop.workflows.v1.${type}`)!;
        const started = await call<{ workflowId: string }>('startWorkflow')(
          create(StartWorkflowRequestSchema, {
            key: 'grpc',
            input: { case: grpcCase, value: create(inputSchema, input as never) } as never,
          }),
        );
        const answer = await call<{ status: number; result: { case: string; value: unknown } }>(
          'getWorkflowResult',
        )(
          {
            $typeName: 'timecop.dispatcher.v1.GetWorkflowResultRequest',
            workflowId: started.workflowId,
            runId: '',
            wait: true,
          },
          30_000,
        );
        expect(answer.status).toBe(2); // COMPLETED
        expect(answer.result.case).toBe(grpcCase);
        const viaHttp = await startAndWait(path, body);
        expect(resultJson(answer.result.value)).toEqual(viaHttp.result);
      }
    } finally {
      client.close();
    }
  });
});
