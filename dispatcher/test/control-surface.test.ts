import { request as httpRequest } from 'node:http';
import {
  credentials,
  makeGenericClientConstructor,
  type Client as GrpcClient,
  type ServiceError,
} from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDispatcherProcess, type DispatcherProcess } from './dispatcher-process.js';
import { dispatcherClient } from './grpc-client.js';
import { startDevServer, type DevServer } from './temporal-dev-server.js';

/**
 * Issue #16: nothing in a browser can drive the dispatcher uninvited. A web page can send a form
 * post or a no-cors fetch to 127.0.0.1:7070 (it cannot read the answer, but the workflow would
 * start), and a DNS-rebinding page reaches it under the attacker's name. Each request here is
 * what such a page makes its browser send, against the real dispatcher process and Temporal.
 */
let temporal: DevServer;
let open: DispatcherProcess;

beforeAll(async () => {
  temporal = await startDevServer();
  open = await startDispatcherProcess({ TEMPORAL_HOST: temporal.address });
}, 90_000);

afterAll(async () => {
  await open?.stop();
  await temporal?.stop();
});

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** node:http, because fetch will not send a Host header of the caller's choosing. */
function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(text) as Record<string, unknown>;
        } catch {
          parsed = { text };
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };
const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' };

describe('what a web page can make a browser send', () => {
  it('a cross-origin form post is refused with 403 (the start route never runs)', async () => {
    const answer = await send(
      open.httpUrl,
      'POST',
      '/typescript/demo-mixed?name=csrf',
      { origin: 'http://evil.example', ...FORM_TYPE },
      '',
    );
    expect(answer.status).toBe(403);
    expect(answer.body['error']).toBe('cross-origin');
    // The same cancel a page would post: refused before the route looks up the workflow (404).
    const cancel = await send(open.httpUrl, 'POST', '/workflows/some-id/cancel', {
      origin: 'https://evil.example',
      ...FORM_TYPE,
    });
    expect(cancel.status).toBe(403);
    // An origin of `null` (a sandboxed frame, a file:// page) is not the dispatcher's own either.
    const sandboxed = await send(open.httpUrl, 'POST', '/typescript/demo?name=x', {
      origin: 'null',
      ...JSON_TYPE,
    });
    expect(sandboxed.status).toBe(403);
  });

  it('a simple form post, or a body-less POST with no content type, is 415 with what to send', async () => {
    const form = await send(open.httpUrl, 'POST', '/typescript/demo-mixed?name=form', FORM_TYPE);
    expect(form.status).toBe(415);
    expect(form.body['error']).toBe('unsupported-media-type');
    expect(String(form.body['message'])).toContain('Content-Type: application/json');
    const bare = await send(open.httpUrl, 'POST', '/typescript/demo-mixed?name=bare', {});
    expect(bare.status).toBe(415);
    const text = await send(open.httpUrl, 'POST', '/workflows/some-id/cancel', {
      'content-type': 'text/plain',
    });
    expect(text.status).toBe(415);
  });

  it('a request under a foreign Host (DNS rebinding) is refused with 403; loopback names pass', async () => {
    const port = new URL(open.httpUrl).port;
    const rebound = await send(open.httpUrl, 'POST', '/typescript/demo?name=rebound', {
      host: `attacker.example:${port}`,
      ...JSON_TYPE,
    });
    expect(rebound.status).toBe(403);
    expect(rebound.body['error']).toBe('host-not-allowed');
    const read = await send(open.httpUrl, 'GET', '/workflows/anything', {
      host: `attacker.example:${port}`,
    });
    expect(read.status).toBe(403);
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `app.localhost:${port}`]) {
      expect((await send(open.httpUrl, 'GET', '/workflows/nope', { host })).status).toBe(404);
    }
    // Probes answer any Host: kubelet and Prometheus address a pod by its IP.
    expect((await send(open.httpUrl, 'GET', '/healthz', { host: '10.1.2.3:7070' })).status).toBe(
      200,
    );
  });

  it('the dispatcher’s own origin and clients without Origin still start workflows', async () => {
    const same = await send(
      open.httpUrl,
      'POST',
      '/typescript/demo',
      { origin: open.httpUrl, ...JSON_TYPE },
      JSON.stringify({ name: 'same-origin' }),
    );
    expect(same.status).toBe(201);
    const seeds = await send(open.httpUrl, 'POST', '/typescript/demo-mixed?name=seeds', JSON_TYPE);
    expect(seeds.status).toBe(201);
  });
});

describe('DISPATCHER_ALLOWED_HOSTS', () => {
  it('adds names such as a Kubernetes Service’s; others stay refused', async () => {
    const served = await startDispatcherProcess({
      TEMPORAL_HOST: temporal.address,
      DISPATCHER_ALLOWED_HOSTS: 'time-cop-dispatcher, time-cop-dispatcher.demo.svc',
    });
    try {
      const get = (host: string) => send(served.httpUrl, 'GET', '/workflows/nope', { host });
      expect((await get('time-cop-dispatcher:7070')).status).toBe(404);
      expect((await get('time-cop-dispatcher.demo.svc')).status).toBe(404);
      expect((await get('time-cop-dispatcher.other.svc')).status).toBe(403);
    } finally {
      await served.stop();
    }
  });
});

describe('started by devenv (DEVENV_SESSION_TOKEN set)', () => {
  const token = 'session-token-for-this-test';
  let guarded: DispatcherProcess;
  beforeAll(async () => {
    guarded = await startDispatcherProcess({
      TEMPORAL_HOST: temporal.address,
      DEVENV_SESSION_TOKEN: token,
    });
  }, 60_000);
  afterAll(() => guarded?.stop());

  it('a mutating call without the session token is 401 and says how to get it; reads stay open', async () => {
    const anonymous = await send(guarded.httpUrl, 'POST', '/typescript/demo?name=x', JSON_TYPE);
    expect(anonymous.status).toBe(401);
    expect(String(anonymous.body['message'])).toContain('devenv env');
    const wrong = await send(guarded.httpUrl, 'POST', '/workflows/x/cancel', {
      authorization: 'Bearer not-it',
      ...JSON_TYPE,
    });
    expect(wrong.status).toBe(401);
    const started = await send(guarded.httpUrl, 'POST', '/typescript/demo?name=with-token', {
      authorization: `Bearer ${token}`,
      ...JSON_TYPE,
    });
    expect(started.status).toBe(201);
    const id = encodeURIComponent(String(started.body['workflow_id']));
    expect((await send(guarded.httpUrl, 'GET', `/workflows/${id}`, {})).status).toBe(200);
  });

  it('over gRPC too: StartWorkflow needs it, DescribeWorkflow does not', async () => {
    const start = {
      $typeName: 'timecop.dispatcher.v1.StartWorkflowRequest',
      key: 'grpc-session',
      idempotencyKey: '',
      input: {
        case: 'demoTypescript',
        value: { $typeName: 'timecop.workflows.v1.WorkflowDemoTypeScriptRequest', name: 'g' },
      },
    };
    const anonymous = dispatcherClient(guarded.grpcAddress);
    const holder = dispatcherClient(guarded.grpcAddress, token);
    try {
      await expect(anonymous.call('startWorkflow')(start)).rejects.toMatchObject({ code: 16 });
      await expect(
        anonymous.call('describeWorkflow')({
          $typeName: 'timecop.dispatcher.v1.DescribeWorkflowRequest',
          workflowId: 'nope',
          runId: '',
        }),
      ).rejects.toMatchObject({ code: 5 });
      const started = await holder.call<{ workflowId: string }>('startWorkflow')(start);
      expect(started.workflowId).toMatch(/^WorkflowDemoTypeScript-grpc-session-\d+$/);
    } finally {
      anonymous.client.close();
      holder.client.close();
    }
  });

  it('DISPATCHER_TOKEN says otherwise: then it, not the session token, is the key', async () => {
    const both = await startDispatcherProcess({
      TEMPORAL_HOST: temporal.address,
      DEVENV_SESSION_TOKEN: token,
      DISPATCHER_TOKEN: 'operator-token',
    });
    try {
      const post = (bearer: string) =>
        send(both.httpUrl, 'POST', '/workflows/nope/cancel', {
          authorization: `Bearer ${bearer}`,
          ...JSON_TYPE,
        });
      expect((await post(token)).status).toBe(401);
      expect((await post('operator-token')).status).toBe(404);
    } finally {
      await both.stop();
    }
  });
});

describe('gRPC has the HTTP limits', () => {
  it('a message over the body limit is RESOURCE_EXHAUSTED, and so is a client past the rate', async () => {
    const limited = await startDispatcherProcess({
      TEMPORAL_HOST: temporal.address,
      DISPATCHER_RATE_LIMIT_PER_MINUTE: '5',
    });
    const { client, call } = dispatcherClient(limited.grpcAddress);
    try {
      const describe = (workflowId: string) =>
        call('describeWorkflow')({
          $typeName: 'timecop.dispatcher.v1.DescribeWorkflowRequest',
          workflowId,
          runId: '',
        });
      // 64 KiB is the default body limit (DISPATCHER_BODY_LIMIT_BYTES); grpc-js's own is 4 MiB.
      await expect(describe('x'.repeat(70 * 1024))).rejects.toMatchObject({ code: 8 });
      const codes: number[] = [];
      for (let i = 0; i < 6; i++)
        codes.push(
          await describe('nope').then(
            () => 0,
            (e: ServiceError) => e.code,
          ),
        );
      expect(codes.slice(0, 4)).toEqual([5, 5, 5, 5]);
      expect(codes.at(-1)).toBe(8);
      await expect(describe('nope')).rejects.toMatchObject({
        code: 8,
        details: expect.stringContaining('rate limit of 5 requests per minute'),
      });
    } finally {
      client.close();
      await limited.stop();
    }
  });

  it('server reflection answers in development and is not served with NODE_ENV=production', async () => {
    const production = await startDispatcherProcess({
      TEMPORAL_HOST: temporal.address,
      NODE_ENV: 'production',
    });
    try {
      expect(await listServices(open.grpcAddress)).toMatchObject({ ok: true });
      expect(await listServices(production.grpcAddress)).toEqual({ ok: false, code: 12 });
    } finally {
      await production.stop();
    }
  });
});

/**
 * One `list_services` on grpc.reflection.v1alpha, written by hand: ServerReflectionRequest field 7
 * (`list_services`, a string) empty is the two bytes 0x3a 0x00.
 */
function listServices(address: string): Promise<{ ok: true } | { ok: false; code: number }> {
  const Client = makeGenericClientConstructor({}, 'Reflection');
  const client: GrpcClient = new Client(address, credentials.createInsecure());
  const identity = (b: Buffer) => b;
  return new Promise((resolve) => {
    const call = client.makeBidiStreamRequest(
      '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo',
      identity,
      identity,
    );
    call.on('data', () => {
      resolve({ ok: true });
      call.cancel();
      client.close();
    });
    call.on('error', (error: ServiceError) => {
      resolve({ ok: false, code: error.code });
      client.close();
    });
    call.write(Buffer.from([0x3a, 0x00]));
    call.end();
  });
}
