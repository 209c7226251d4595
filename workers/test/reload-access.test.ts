/**
 * Issue #16: the TypeScript worker's `POST /reload` (HOT_RELOAD=1, devenv's native run) swaps code
 * into the running process, so only the devenv that started it may call it: with its session
 * secret, at a loopback Host, from no foreign Origin, naming the changed files (an empty body
 * would skip the reload guard). Every refusal leaves the running code serving. Against the real
 * worker process and a real dev server; no database (the greeting workflow needs none).
 */
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../devenv/src/project-root.js';
import { TASK_QUEUES } from '../typescript/src/routing.js';
import { freePort, spawnWorker, startDevServer, type WorkerProcess } from './support.js';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { create } from '@bufbuild/protobuf';
import { WorkflowDemoTypeScriptRequestSchema } from '../../protos/gen/ts/timecop/workflows/v1/demo_pb.js';

const TOKEN = 'reload-access-test-session-token-0123456789a';
const ACTIVITY_FILE = join(
  PROJECT_ROOT,
  'workers',
  'typescript',
  'src',
  'activities',
  'say-hello.ts',
);

let env: TestWorkflowEnvironment;
let worker: WorkerProcess;
let healthPort: number;

beforeAll(async () => {
  env = await startDevServer();
  [healthPort] = await Promise.all([freePort()]);
  worker = spawnWorker(
    process.execPath,
    ['--import', 'tsx/esm', 'workers/typescript/src/worker.ts'],
    {
      TEMPORAL_HOST: env.connection.options.address,
      TEMPORAL_NAMESPACE: env.namespace ?? 'time-cop',
      // Nothing listens there: no migration, no seed, and the greeting activity needs no database.
      DATABASE_URL: `postgres://nobody@127.0.0.1:${await freePort()}/none`,
      DB_MIGRATE: '0',
      DB_SEED: '0',
      METRICS_PORT: String(await freePort()),
      HOT_RELOAD: '1',
      DEVENV_SESSION_TOKEN: TOKEN,
    },
    healthPort,
  );
  await worker.ready(90_000);
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
}, 60_000);

/** node:http: fetch will not send a Host header of the caller's choosing. */
function post(
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: healthPort, path: '/reload', method: 'POST', headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const paths = JSON.stringify({ paths: [ACTIVITY_FILE] });
const bearer = { authorization: `Bearer ${TOKEN}` };

async function generations(): Promise<unknown> {
  const ready = (await (await fetch(`http://127.0.0.1:${healthPort}/readyz`)).json()) as Record<
    string,
    { generation?: number }
  >;
  return { workflows: ready['workflows']?.generation, activities: ready['activities']?.generation };
}

describe('POST /reload', () => {
  it('refuses a caller without the session secret, a foreign Host, a cross-origin form post and an empty body; the running code keeps serving', async () => {
    const before = await generations();
    const refusals = [
      // No token, and a wrong one.
      [await post({ 'content-type': 'application/json' }, paths), 401],
      [await post({ authorization: 'Bearer not-the-token' }, paths), 401],
      // A DNS-rebinding page: the right port, the attacker's name.
      [await post({ ...bearer, host: `rebind.attacker.example:${healthPort}` }, paths), 403],
      // A form a web page posts (it cannot know the token, but must not get further anyway).
      [
        await post(
          { origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
          '',
        ),
        403,
      ],
      // The secret, but no files named: the guard would not have run for them.
      [await post(bearer, ''), 400],
    ] as const;
    for (const [answer, status] of refusals) {
      expect(answer.status, JSON.stringify(answer.body)).toBe(status);
      expect(typeof answer.body['error']).toBe('string');
    }
    expect(await generations()).toEqual(before);
    const result = await env.client.workflow.execute('WorkflowDemoTypeScript', {
      taskQueue: TASK_QUEUES.typescript,
      workflowId: `WorkflowDemoTypeScript-reload-access-${Date.now()}`,
      args: [create(WorkflowDemoTypeScriptRequestSchema, { name: 'still-serving' })],
    });
    expect(JSON.stringify(result)).toContain('still-serving');
  });

  it('swaps the activity code for devenv, which sends the secret and the changed files', async () => {
    const before = (await generations()) as { activities: number };
    const swapped = await post({ ...bearer, 'content-type': 'application/json' }, paths);
    expect(swapped.status, JSON.stringify(swapped.body)).toBe(200);
    expect(swapped.body['reloaded']).toContain('activities');
    expect(await generations()).toMatchObject({ activities: before.activities + 1 });
  });
});
