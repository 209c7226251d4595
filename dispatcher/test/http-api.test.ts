import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../devenv/src/project-root.js';
import { payloadConverter } from '../../protos/ts/payload-converter.js';
import { buildOpenApi } from '../src/http/openapi.js';
import { startDispatcherProcess, type DispatcherProcess } from './dispatcher-process.js';
import { dispatcherClient } from './grpc-client.js';
import { freePort, NAMESPACE, startDevServer, type DevServer } from './temporal-dev-server.js';

/** Everything here runs against a real `temporal server start-dev` and the real dispatcher process. */
let temporal: DevServer;
let dispatcher: DispatcherProcess;
let connection: Connection;
let sdk: Client;

async function post(path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${dispatcher.httpUrl}${path}`, {
    method: 'POST',
    // Every POST says JSON, with a body or without (the seeds' form, cancel): what a form cannot.
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

async function get(path: string) {
  const response = await fetch(`${dispatcher.httpUrl}${path}`);
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: response.status, headers: response.headers, body };
}

beforeAll(async () => {
  temporal = await startDevServer();
  dispatcher = await startDispatcherProcess({
    TEMPORAL_HOST: temporal.address,
    DISPATCHER_MAX_RESULT_WAIT_MS: '1500',
  });
  connection = await Connection.connect({ address: temporal.address });
  sdk = new Client({ connection, namespace: NAMESPACE });
}, 90_000);

afterAll(async () => {
  await dispatcher?.stop();
  await connection?.close();
  await temporal?.stop();
});

describe('starting workflows over HTTP', () => {
  it('answers 201 {workflow_id, run_id}; the workflow exists with the protobuf input', async () => {
    const before = Date.now();
    const started = await post('/typescript/demo', { name: 'Zoë' });
    expect(started.status).toBe(201);
    const id = String(started.body['workflow_id']);
    expect(id).toMatch(/^WorkflowDemoTypeScript-Zoë-(\d+)$/);
    expect(Number(/-(\d+)$/.exec(id)?.[1])).toBeGreaterThanOrEqual(before);
    expect(started.headers.get('location')).toBe(`/workflows/${encodeURIComponent(id)}`);

    const handle = sdk.workflow.getHandle(id);
    const description = await handle.describe();
    expect(description.type).toBe('WorkflowDemoTypeScript');
    expect(description.runId).toBe(started.body['run_id']);
    expect(description.taskQueue).toBe('time-cop-typescript');
    const history = await handle.fetchHistory();
    const input =
      history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    const request = payloadConverter.fromPayload<{ $typeName: string; name: string }>(input!);
    expect(request.$typeName).toBe('timecop.workflows.v1.WorkflowDemoTypeScriptRequest');
    expect(request.name).toBe('Zoë');
  });

  it("accepts the seeds' form: POST /typescript/demo-mixed?name=… with no body, as JSON", async () => {
    const started = await post('/typescript/demo-mixed?name=helm-test');
    expect(started.status).toBe(201);
    expect(String(started.body['workflow_id'])).toMatch(/^WorkflowDemoMixed-helm-test-\d+$/);
    const described = await get(
      `/workflows/${encodeURIComponent(String(started.body['workflow_id']))}`,
    );
    expect(described.body).toMatchObject({ workflow_type: 'WorkflowDemoMixed', status: 'RUNNING' });
  });

  it('every start route starts its workflow type on the TypeScript queue', async () => {
    const cases: [string, unknown, string][] = [
      ['/typescript/demo-mixed', { name: 'a' }, 'WorkflowDemoMixed'],
      ['/typescript/demo', { name: 'a' }, 'WorkflowDemoTypeScript'],
      ['/python/demo', { name: 'a' }, 'WorkflowDemoPython'],
      [
        '/typescript/summarize-patient-context',
        { patient_id: 'p-1', max_events: 5, since: '2024-01-01T00:00:00Z' },
        'SummarizePatientContextWorkflow',
      ],
      ['/typescript/reminders', { duration: '86400s', label: 'standup' }, 'LongTimerWorkflow'],
    ];
    for (const [path, body, type] of cases) {
      const started = await post(path, body);
      expect(started.status, path).toBe(201);
      const d = await sdk.workflow.getHandle(String(started.body['workflow_id'])).describe();
      expect(d.type).toBe(type);
    }
  });

  it('two starts with the same key in the same millisecond get different IDs', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => post('/typescript/demo', { name: 'same' })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(new Set(results.map((r) => r.body['workflow_id'])).size).toBe(20);
  });
});

describe('Idempotency-Key', () => {
  it('10 concurrent retries start exactly one workflow and all answer its IDs', async () => {
    const key = `retry-${Date.now()}`;
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        post('/typescript/demo', { name: 'idem' }, { 'idempotency-key': key }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const ids = new Set(
      results.map((r) => `${String(r.body['workflow_id'])}/${String(r.body['run_id'])}`),
    );
    expect(ids.size).toBe(1);
    const workflowId = String(results[0]!.body['workflow_id']);
    // Visibility is eventually consistent: wait until the start is listed, then count.
    let count = 0;
    for (let i = 0; i < 50 && count === 0; i++) {
      count = (await sdk.workflow.count(`WorkflowId = '${workflowId}'`)).count;
      if (count === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(count).toBe(1);
    // A late retry after the workflow closed still answers the same IDs, never a second run.
    await sdk.workflow.getHandle(workflowId).terminate('test');
    const late = await post('/typescript/demo', { name: 'idem' }, { 'idempotency-key': key });
    expect(late.status).toBe(200);
    expect(late.body['workflow_id']).toBe(workflowId);
    expect((await sdk.workflow.count(`WorkflowId = '${workflowId}'`)).count).toBe(1);
  });

  it('the same key with a different body is a 409 conflict', async () => {
    const key = `conflict-${Date.now()}`;
    expect(
      (
        await post(
          '/typescript/reminders',
          { duration: '60s', label: 'x' },
          { 'idempotency-key': key },
        )
      ).status,
    ).toBe(201);
    const other = await post(
      '/typescript/reminders',
      { duration: '120s', label: 'x' },
      { 'idempotency-key': key },
    );
    expect(other.status).toBe(409);
    expect(other.body['error']).toBe('idempotency-conflict');
  });
});

describe('errors', () => {
  it('400 lists field errors', async () => {
    const bad = await post('/typescript/summarize-patient-context', {
      patient_id: '',
      max_events: 'ten',
      extra: 1,
    });
    expect(bad.status).toBe(400);
    expect(bad.body['error']).toBe('invalid-input');
    const fields = (bad.body['fields'] as { field: string }[]).map((f) => f.field).sort();
    expect(fields).toEqual(['extra', 'max_events', 'patient_id']);
    const duration = await post('/typescript/reminders', { duration: '0s' });
    expect(duration.status).toBe(400);
    expect((duration.body['fields'] as { field: string }[])[0]?.field).toBe('duration');
    const missing = await post('/typescript/demo', {});
    expect(missing.status).toBe(400);
    expect(await post('/typescript/demo', [1, 2])).toMatchObject({ status: 400 });
    expect(
      await post('/typescript/demo', { name: 'x' }, { 'idempotency-key': 'has space' }),
    ).toMatchObject({ status: 400 });
  });

  it('bad JSON 400, wrong content type 415, body too large 413, wrong method 405, unknown route 404', async () => {
    expect((await post('/typescript/demo', '{"name":')).body['error']).toBe('invalid-json');
    const text = await fetch(`${dispatcher.httpUrl}/typescript/demo`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(text.status).toBe(415);
    const huge = await post('/typescript/demo', { name: 'x'.repeat(100_000) });
    expect(huge.status).toBe(413);
    expect(huge.body['error']).toBe('body-too-large');
    const put = await fetch(`${dispatcher.httpUrl}/typescript/demo`, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('POST');
    const nowhere = await get('/nowhere');
    expect(nowhere.status).toBe(404);
    expect(nowhere.body['error']).toBe('route-not-found');
  });

  it('404 for an unknown workflow, 409 while running, and the request id in every error', async () => {
    const missing = await get('/workflows/NoSuchWorkflow-x-1');
    expect(missing.status).toBe(404);
    expect(missing.body['error']).toBe('workflow-not-found');
    expect(missing.body['request_id']).toBe(missing.headers.get('x-request-id'));
    expect(JSON.stringify(missing.body)).not.toMatch(/\n\s+at /);

    const started = await post('/typescript/reminders', { duration: '3600s', label: 'wait' });
    const id = String(started.body['workflow_id']);
    const running = await get(`/workflows/${id}/result`);
    expect(running.status).toBe(409);
    expect(running.body['error']).toBe('workflow-running');
    const t0 = Date.now();
    const waited = await get(`/workflows/${id}/result?wait=true`);
    expect(waited.status).toBe(409);
    // DISPATCHER_MAX_RESULT_WAIT_MS=1500 bounds `wait=true`.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1_400);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('cancel: 202 while running, 409 once closed; result of a closed workflow says how it closed', async () => {
    const started = await post('/typescript/reminders', { duration: '3600s', label: 'c' });
    const id = String(started.body['workflow_id']);
    const cancelled = await post(`/workflows/${id}/cancel`);
    expect(cancelled.status).toBe(202);
    await sdk.workflow.getHandle(id).terminate('closing it for the test');
    const again = await post(`/workflows/${id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body['error']).toBe('workflow-closed');
    const result = await get(`/workflows/${id}/result`);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      status: 'TERMINATED',
      failure_message: 'closing it for the test',
    });
  });
});

describe('gRPC gives the same answers as HTTP', () => {
  it('StartWorkflow and DescribeWorkflow; errors as status codes', async () => {
    const { client, call } = dispatcherClient(dispatcher.grpcAddress);
    try {
      const started = await call<{ workflowId: string; runId: string }>('startWorkflow')({
        $typeName: 'timecop.dispatcher.v1.StartWorkflowRequest',
        key: 'grpc',
        idempotencyKey: '',
        input: {
          case: 'demoTypescript',
          value: { $typeName: 'timecop.workflows.v1.WorkflowDemoTypeScriptRequest', name: 'grpc' },
        },
      });
      expect(started.workflowId).toMatch(/^WorkflowDemoTypeScript-grpc-\d+$/);
      const viaGrpc = await call<{ workflowType: string; status: number; runId: string }>(
        'describeWorkflow',
      )({
        $typeName: 'timecop.dispatcher.v1.DescribeWorkflowRequest',
        workflowId: started.workflowId,
        runId: '',
      });
      const viaHttp = await get(`/workflows/${started.workflowId}`);
      expect(viaGrpc.workflowType).toBe(viaHttp.body['workflow_type']);
      expect(viaGrpc.runId).toBe(viaHttp.body['run_id']);
      expect(viaGrpc.status).toBe(1); // WORKFLOW_STATUS_RUNNING
      await expect(
        call('startWorkflow')({
          $typeName: 'timecop.dispatcher.v1.StartWorkflowRequest',
          key: 'k',
          idempotencyKey: '',
          input: {
            case: 'demoTypescript',
            value: { $typeName: 'timecop.workflows.v1.WorkflowDemoTypeScriptRequest', name: '' },
          },
        }),
      ).rejects.toMatchObject({ code: 3, details: expect.stringContaining('demoTypescript.name') });
      await expect(
        call('describeWorkflow')({
          $typeName: 'timecop.dispatcher.v1.DescribeWorkflowRequest',
          workflowId: 'nope',
          runId: '',
        }),
      ).rejects.toMatchObject({ code: 5 });
    } finally {
      client.close();
    }
  });

  it('serves grpc.health.v1 and server reflection', async () => {
    const { credentials, makeGenericClientConstructor } = await import('@grpc/grpc-js');
    const { Health } = await import('../../protos/gen/ts/grpc/health/v1/health_pb.js');
    const { grpcServiceDefinition } = await import('../../protos/ts/grpc-service.js');
    const HealthClient = makeGenericClientConstructor(grpcServiceDefinition(Health), 'Health');
    const health = new HealthClient(
      dispatcher.grpcAddress,
      credentials.createInsecure(),
    ) as unknown as {
      check: (req: unknown, cb: (e: Error | null, r: { status: number }) => void) => void;
      close(): void;
    };
    const check = (service: string) =>
      new Promise<{ status: number }>((resolve, reject) =>
        health.check({ $typeName: 'grpc.health.v1.HealthCheckRequest', service }, (e, r) =>
          e ? reject(e) : resolve(r),
        ),
      );
    expect((await check('')).status).toBe(1);
    expect((await check('timecop.dispatcher.v1.Dispatcher')).status).toBe(1);
    await expect(check('no.such.Service')).rejects.toMatchObject({ code: 5 });
    health.close();
  });
});

describe('operations', () => {
  it('/healthz, /readyz, /metrics', async () => {
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/readyz')).body).toMatchObject({ status: 'ready', namespace: NAMESPACE });
    const metrics = (await get('/metrics')).body['text'] as string;
    expect(metrics).toMatch(
      /dispatcher_http_requests_total\{method="POST",route="\/typescript\/demo",status="201"\} \d+/,
    );
    expect(metrics).toMatch(
      /dispatcher_workflow_starts_total\{workflow_type="WorkflowDemoTypeScript",outcome="started"\} \d+/,
    );
    expect(metrics).toMatch(/dispatcher_http_request_duration_seconds_bucket\{le="0.005"/);
    expect(metrics).toMatch(/dispatcher_grpc_requests_total\{method="StartWorkflow",code="OK"\}/);
  });

  it('logs JSON lines with the request id and the workflow id', async () => {
    const started = await post(
      '/typescript/demo',
      { name: 'logged' },
      { 'x-request-id': 'trace-me-1' },
    );
    expect(started.headers.get('x-request-id')).toBe('trace-me-1');
    // Logs are written asynchronously: wait for the line rather than for a fixed time.
    const find = () =>
      dispatcher.logs.find(
        (l) => l['request_id'] === 'trace-me-1' && l['msg'] === 'request completed',
      );
    for (let i = 0; i < 50 && !find(); i++) await new Promise((r) => setTimeout(r, 100));
    const line = find();
    expect(line).toMatchObject({
      workflow_id: started.body['workflow_id'],
      workflow_type: 'WorkflowDemoTypeScript',
    });
  });

  it('serves the OpenAPI document that is checked in as dispatcher/openapi.json', async () => {
    const served = (await get('/openapi.json')).body;
    const checkedIn = JSON.parse(
      await readFile(join(PROJECT_ROOT, 'dispatcher', 'openapi.json'), 'utf8'),
    ) as unknown;
    expect(served).toEqual(buildOpenApi());
    // When this fails: `npx tsx dispatcher/src/write-openapi.ts`.
    expect(checkedIn).toEqual(served);
  });
});

describe('a dispatcher with a token and a rate limit', () => {
  it('401 without the token, 429 past the limit; probes stay open', async () => {
    const guarded = await startDispatcherProcess({
      TEMPORAL_HOST: temporal.address,
      DISPATCHER_TOKEN: 's3cret',
      DISPATCHER_RATE_LIMIT_PER_MINUTE: '5',
    });
    try {
      const url = `${guarded.httpUrl}/workflows/nope`;
      const anonymous = await fetch(url);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
      expect((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(404);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await fetch(url, { headers: { authorization: 'Bearer s3cret' } })).status);
      expect(statuses).toContain(429);
      const limited = await fetch(url, { headers: { authorization: 'Bearer s3cret' } });
      expect(limited.status).toBe(429);
      expect(((await limited.json()) as { error: string }).error).toBe('rate-limited');
      for (let i = 0; i < 10; i++)
        expect((await fetch(`${guarded.httpUrl}/healthz`)).status).toBe(200);

      const { client, call } = dispatcherClient(guarded.grpcAddress);
      await expect(
        call('describeWorkflow')({
          $typeName: 'timecop.dispatcher.v1.DescribeWorkflowRequest',
          workflowId: 'x',
          runId: '',
        }),
      ).rejects.toMatchObject({ code: 16 });
      client.close();
    } finally {
      await guarded.stop();
    }
  });
});

describe('without Temporal', () => {
  it('is alive but not ready; API calls answer 503 with Retry-After', async () => {
    const lonely = await startDispatcherProcess({ TEMPORAL_HOST: `127.0.0.1:${await freePort()}` });
    try {
      expect((await fetch(`${lonely.httpUrl}/healthz`)).status).toBe(200);
      const ready = await fetch(`${lonely.httpUrl}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.headers.get('retry-after')).toBe('2');
      const t0 = Date.now();
      const start = await fetch(`${lonely.httpUrl}/typescript/demo?name=x`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      });
      expect(start.status).toBe(503);
      expect(start.headers.get('retry-after')).toBe('2');
      expect(((await start.json()) as { error: string }).error).toBe('temporal-unavailable');
      expect(Date.now() - t0).toBeLessThan(5_000);
    } finally {
      await lonely.stop();
    }
  });
});

describe('graceful shutdown', () => {
  it('finishes in-flight requests, refuses new ones, exits 0', async () => {
    const d = await startDispatcherProcess({
      TEMPORAL_HOST: temporal.address,
      DISPATCHER_MAX_RESULT_WAIT_MS: '2000',
    });
    const started = (await (
      await fetch(`${d.httpUrl}/typescript/reminders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ duration: '3600s', label: 'shutdown' }),
      })
    ).json()) as { workflow_id: string };
    const inFlight = fetch(`${d.httpUrl}/workflows/${started.workflow_id}/result?wait=2`);
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    d.child.kill('SIGTERM');
    const answer = await inFlight;
    expect(answer.status).toBe(409); // the wait ran its course: it was not cut off
    expect(Date.now() - t0).toBeGreaterThan(1_000);
    expect(await d.exited).toEqual({ code: 0, signal: null });
    // Well inside the 10 s grace period: nothing was left hanging once the request was answered.
    expect(Date.now() - t0).toBeLessThan(6_000);
    await expect(fetch(`${d.httpUrl}/healthz`)).rejects.toThrow();
    expect(d.logs.some((l) => l['msg'] === 'dispatcher stopped')).toBe(true);
  });
});
