/**
 * Replacing the activity Worker while the process runs (activity-worker-host.ts), against a real
 * dev server with the real workflow Worker: new activity tasks run the new code at once, a task
 * in flight finishes on the code it started with, a generation that fails to load changes
 * nothing, and run() ends only once every generation has drained.
 */
import { create } from '@bufbuild/protobuf';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { NativeConnection } from '@temporalio/worker';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ActivitySayHelloResponseSchema,
  type ActivitySayHelloRequest,
} from '../../protos/gen/ts/timecop/activities/v1/say_hello_pb.js';
import { WorkflowDemoTypeScriptRequestSchema } from '../../protos/gen/ts/timecop/workflows/v1/demo_pb.js';
import { createActivities, type Activities } from '../typescript/src/activities/index.js';
import { DiscardableWorker } from '../typescript/src/discardable-worker.js';
import {
  createReplaceableWorker,
  type ReplaceableWorker,
} from '../typescript/src/replaceable-worker.js';
import { TASK_QUEUES } from '../typescript/src/routing.js';
import {
  activityWorkerOptions,
  cachedBundleWorkflows,
  workflowWorkerOptions,
} from '../typescript/src/worker-setup.js';
import { startDevServer, testLogger } from './support.js';

let env: TestWorkflowEnvironment;
let workflowWorker: Worker;
let workflowsRunning: Promise<void>;
// FetchPatientEvents is never called here: a pool that is never connected.
const unusedPool = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none' });

beforeAll(async () => {
  env = await startDevServer();
  const { bundle } = await cachedBundleWorkflows();
  workflowWorker = await Worker.create(
    await workflowWorkerOptions({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'time-cop',
      workflowBundle: bundle,
    }),
  );
  workflowsRunning = workflowWorker.run();
}, 120_000);

afterAll(async () => {
  workflowWorker?.shutdown();
  await workflowsRunning;
  await env?.teardown();
  await unusedPool.end();
}, 60_000);

/**
 * Generation n greets with `generation n`; `hold` keeps generation 1's greeting in flight. The
 * Workers it creates are named `identity(1)`, `identity(2)`… in the order created.
 */
let hosts = 0;
function hostWith(options: { hold?: Promise<void>; started?: () => void; failAt?: number }) {
  let created = 0;
  const prefix = `host-${++hosts}`;
  const identity = (n: number) => `${prefix}-create-${n}`;
  const load = async (generation: number): Promise<Activities> => {
    if (generation === options.failAt) throw new Error(`say-hello.ts:3:1: Expected ";"`);
    return {
      ...createActivities({ pool: unusedPool }),
      ActivitySayHelloTypeScript: async (request: ActivitySayHelloRequest) => {
        if (generation === 1 && options.hold) {
          options.started?.();
          await options.hold;
        }
        return create(ActivitySayHelloResponseSchema, {
          greeting: `generation ${generation}, ${request.name}`,
          workerLanguage: 'typescript',
        });
      },
    };
  };
  const host = createReplaceableWorker({
    name: 'activity',
    connect: () => NativeConnection.connect({ address: env.connection.options.address }),
    load: (generation: number) => load(generation),
    create: async (connection, activities) =>
      DiscardableWorker.createDiscardable({
        ...(await activityWorkerOptions(
          { connection, namespace: env.namespace ?? 'time-cop' },
          activities,
        )),
        identity: identity(++created),
      }),
    logger: testLogger,
  });
  return Object.assign(host, { load, identity });
}

let workflowCount = 0;
function greet(name: string) {
  return env.client.workflow.execute('WorkflowDemoTypeScript', {
    taskQueue: TASK_QUEUES.typescript,
    workflowId: `host-${Date.now()}-${++workflowCount}`,
    args: [create(WorkflowDemoTypeScriptRequestSchema, { name })],
  }) as Promise<{ greeting: string }>;
}

/** `hold` keeps generation 1's activity running until `release()`; `inFlight` once it runs. */
function gate() {
  let release!: () => void;
  const hold = new Promise<void>((resolve) => (release = resolve));
  let started!: () => void;
  const inFlight = new Promise<void>((resolve) => (started = resolve));
  return { hold, release, started, inFlight };
}

/** The identities of the Workers that polled the queue's activity tasks lately. */
async function activityPollers(): Promise<string[]> {
  const reply = await env.client.workflowService.describeTaskQueue({
    namespace: env.namespace ?? 'time-cop',
    taskQueue: { name: TASK_QUEUES.typescript },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
  });
  return (reply.pollers ?? []).map((p) => p.identity ?? '');
}

async function stop(host: ReplaceableWorker): Promise<void> {
  host.shutdown();
  await host.run();
}

describe('the replaceable activity worker', () => {
  it('runs new tasks on the new code at once; a task in flight finishes on the old', async () => {
    const { hold, release, started, inFlight } = gate();
    const host = hostWith({ hold, started });
    await host.start();
    const first = greet('ada');
    await inFlight;

    const swap = await host.swap();
    expect(swap).toMatchObject({ ok: true, generation: 2 });
    expect(host.current()?.generation).toBe(2);
    expect((await greet('bob')).greeting).toBe('generation 2, bob');

    release();
    expect((await first).greeting).toBe('generation 1, ada');
    await stop(host);
  }, 60_000);

  it('keeps the running generation when the new code does not load', async () => {
    const host = hostWith({ failAt: 2 });
    await host.start();
    const swap = await host.swap();
    expect(swap).toEqual({ ok: false, error: 'say-hello.ts:3:1: Expected ";"' });
    expect(host.current()?.generation).toBe(1);
    expect(host.current()?.worker.getState()).toBe('RUNNING');
    expect((await greet('cy')).greeting).toBe('generation 1, cy');
    await stop(host);
  }, 60_000);

  it('ends run() only after the draining generation finished its task', async () => {
    const { hold, release, started, inFlight } = gate();
    const host = hostWith({ hold, started });
    await host.start();
    const first = greet('dee');
    await inFlight;
    const old = host.current()!.worker;
    expect(await host.swap()).toMatchObject({ ok: true });
    host.shutdown();
    let ended = false;
    const running = host.run().then(() => (ended = true));
    await new Promise((r) => setTimeout(r, 500));
    expect(ended).toBe(false);
    expect(old.getState()).toBe('DRAINING');
    release();
    await running;
    expect((await first).greeting).toBe('generation 1, dee');
    await expect(host.swap()).resolves.toMatchObject({
      ok: false,
      error: 'the worker is stopping',
    });
  }, 60_000);

  it('swaps in a prepared generation: its Worker was created before the swap', async () => {
    const host = hostWith({});
    await host.start();
    expect(await host.prepare(() => host.load(2))).toMatchObject({ ok: true });
    expect(host.current()?.generation).toBe(1);
    const swap = await host.swap();
    expect(swap).toMatchObject({ ok: true, generation: 2, prepared: true });
    expect((await greet('eve')).greeting).toBe('generation 2, eve');
    await stop(host);
  }, 60_000);

  it('discards a prepared generation (a refused guard): it never polls, the next swap starts afresh', async () => {
    const host = hostWith({});
    await host.start(); // identity(1)
    expect(await host.prepare(() => host.load(2))).toMatchObject({ ok: true }); // identity(2)
    expect(await host.discardPrepared()).toBe(true);
    expect(await host.discardPrepared()).toBe(false);
    expect((await greet('fay')).greeting).toBe('generation 1, fay');
    const swap = await host.swap(); // identity(3), with the code loaded now
    expect(swap).toMatchObject({ ok: true, generation: 2, prepared: false });
    expect((await greet('gus')).greeting).toBe('generation 2, gus');
    // The server lists every Worker that polled the queue lately: the discarded one never did.
    const pollers = await activityPollers();
    expect(pollers).toContain(host.identity(3));
    expect(pollers).not.toContain(host.identity(2));
    await stop(host);
  }, 60_000);

  it('swaps with freshly loaded code when the preparation failed', async () => {
    const host = hostWith({});
    await host.start();
    const broken = () => Promise.reject(new Error('say-hello.ts:3:1: Expected ";"'));
    expect(await host.prepare(broken)).toEqual({
      ok: false,
      error: 'say-hello.ts:3:1: Expected ";"',
    });
    expect(await host.swap()).toMatchObject({ ok: true, generation: 2, prepared: false });
    await stop(host);
  }, 60_000);

  it('stops a generation that was still starting when shutdown() came', async () => {
    const host = hostWith({});
    const starting = host.start();
    host.shutdown();
    await starting;
    await host.run();
    expect(host.current()?.worker.getState()).toBe('STOPPED');
  }, 20_000);
});
