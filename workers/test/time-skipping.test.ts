/**
 * Temporal semantics under time skipping (the Java test server from .devenv/tools, via the
 * toolchain): multi-day timers in milliseconds, signals and queries mid-timer, the configured
 * retry policy and timeouts, and bad input failing fast with named non-retryable errors.
 */
import { create } from '@bufbuild/protobuf';
import { durationFromMs, timestampMs } from '@bufbuild/protobuf/wkt';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ActivityFailure, WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ActivitySayHelloResponseSchema,
  type ActivitySayHelloRequest,
} from '../../protos/gen/ts/timecop/activities/v1/say_hello_pb.js';
import { WorkflowDemoTypeScriptRequestSchema } from '../../protos/gen/ts/timecop/workflows/v1/demo_pb.js';
import { LongTimerWorkflowRequestSchema } from '../../protos/gen/ts/timecop/workflows/v1/long_timer_pb.js';
import { NON_RETRYABLE_ERROR_TYPES, TASK_QUEUES } from '../typescript/src/routing.js';
import { bundleWorkflows, workerOptions } from '../typescript/src/worker-setup.js';
import {
  fireNowSignal,
  snoozeSignal,
  statusQuery,
} from '../typescript/src/workflows/long-timer.js';
import { startTimeSkipping } from './support.js';

const DAY_MS = 24 * 60 * 60 * 1000;

let env: TestWorkflowEnvironment;
let bundle: Awaited<ReturnType<typeof bundleWorkflows>>;
// Never connects: the fakes below replace the Postgres activity in this suite.
const unusedPool = new pg.Pool({ connectionString: 'postgres://unused@127.0.0.1:1/unused' });

beforeAll(async () => {
  [env, bundle] = await Promise.all([startTimeSkipping(), bundleWorkflows()]);
}, 120_000);
afterAll(async () => {
  await env?.teardown();
  await unusedPool.end();
});

/** A worker with the production wiring; `activities` replaces some implementations by fakes. */
async function worker(activities: Record<string, (...args: never[]) => Promise<unknown>> = {}) {
  const options = await workerOptions({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    deps: { pool: unusedPool },
    workflowBundle: bundle,
  });
  return Worker.create({ ...options, activities: { ...options.activities, ...activities } });
}

const id = (name: string) => `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

describe('the reminder (LongTimerWorkflow)', () => {
  it('completes a 30-day timer, fired at start + 30 days of workflow time', async () => {
    const w = await worker();
    const started = Date.now();
    const result = await w.runUntil(
      env.client.workflow.execute('LongTimerWorkflow', {
        taskQueue: TASK_QUEUES.typescript,
        workflowId: id('reminder'),
        args: [
          create(LongTimerWorkflowRequestSchema, {
            duration: durationFromMs(30 * DAY_MS),
            label: 'renew prescription',
          }),
        ],
      }),
    );
    const wallMs = Date.now() - started;
    expect(result.label).toBe('renew prescription');
    // Workflow time moved 30 days (and at most a little more for the first workflow task).
    const skipped = timestampMs(result.firedAt!) - started;
    expect(skipped).toBeGreaterThanOrEqual(30 * DAY_MS - 60_000);
    expect(skipped).toBeLessThan(30 * DAY_MS + 60 * 60_000);
    expect(wallMs).toBeLessThan(10_000);
  });

  it('answers queries and takes signals mid-timer: a snooze moves the deadline', async () => {
    const w = await worker();
    await w.runUntil(async () => {
      const handle = await env.client.workflow.start('LongTimerWorkflow', {
        taskQueue: TASK_QUEUES.typescript,
        workflowId: id('reminder-snooze'),
        args: [
          create(LongTimerWorkflowRequestSchema, {
            duration: durationFromMs(3 * DAY_MS),
            label: 'call back',
          }),
        ],
      });
      const before = await handle.query(statusQuery);
      expect(before).toMatchObject({ label: 'call back', snoozes: 0, fired: false });

      await env.sleep(DAY_MS); // one day in: the timer is still pending
      const midway = await handle.query(statusQuery);
      expect(midway.fired).toBe(false);
      expect(midway.firesAt).toBe(before.firesAt);

      await handle.signal(snoozeSignal, { byMs: 2 * DAY_MS });
      const snoozed = await handle.query(statusQuery);
      expect(snoozed.snoozes).toBe(1);
      expect(Date.parse(snoozed.firesAt) - Date.parse(before.firesAt)).toBe(2 * DAY_MS);

      const result = await handle.result();
      // The re-armed timer counts from when the server recorded it, a few ms after the signal.
      const late = timestampMs(result.firedAt!) - Date.parse(snoozed.firesAt);
      expect(late).toBeGreaterThanOrEqual(0);
      expect(late).toBeLessThan(60_000);
      expect((await handle.query(statusQuery)).fired).toBe(true);
    });
  });

  it('fires at once on fireNow, and rejects a non-positive duration as InvalidRequest', async () => {
    const w = await worker();
    await w.runUntil(async () => {
      const handle = await env.client.workflow.start('LongTimerWorkflow', {
        taskQueue: TASK_QUEUES.typescript,
        workflowId: id('reminder-now'),
        args: [
          create(LongTimerWorkflowRequestSchema, {
            duration: durationFromMs(7 * DAY_MS),
            label: 'x',
          }),
        ],
      });
      const firesAt = Date.parse((await handle.query(statusQuery)).firesAt);
      await handle.signal(fireNowSignal);
      const result = await handle.result();
      expect(timestampMs(result.firedAt!)).toBeLessThan(firesAt - 6 * DAY_MS);

      const bad = env.client.workflow.execute('LongTimerWorkflow', {
        taskQueue: TASK_QUEUES.typescript,
        workflowId: id('reminder-bad'),
        args: [create(LongTimerWorkflowRequestSchema, { label: 'no duration' })],
      });
      const failure = await bad.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      const cause = (failure as WorkflowFailedError).cause;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect((cause as ApplicationFailure).type).toBe(NON_RETRYABLE_ERROR_TYPES.InvalidRequest);
      expect((cause as ApplicationFailure).nonRetryable).toBe(true);
    });
  });
});

describe('activity retry policy and timeouts (routing.ts DEFAULT_ACTIVITY_OPTIONS)', () => {
  const hello = (name: string) => create(WorkflowDemoTypeScriptRequestSchema, { name });

  it('retries a failing activity with backoff until it succeeds', async () => {
    const attempts: number[] = [];
    const w = await worker({
      ActivitySayHelloTypeScript: async (request: ActivitySayHelloRequest) => {
        const { attempt } = Context.current().info;
        attempts.push(attempt);
        if (attempt < 3) throw new Error(`transient failure ${attempt}`);
        return create(ActivitySayHelloResponseSchema, {
          greeting: `hi ${request.name}`,
          workerLanguage: 'fake',
        });
      },
    });
    const result = await w.runUntil(
      env.client.workflow.execute('WorkflowDemoTypeScript', {
        taskQueue: TASK_QUEUES.typescript,
        workflowId: id('retry'),
        args: [hello('Ada')],
      }),
    );
    expect(result.greeting).toBe('hi Ada');
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('does not retry the error types the policy names, even when thrown as retryable', async () => {
    const attempts: number[] = [];
    const w = await worker({
      ActivitySayHelloTypeScript: async () => {
        attempts.push(Context.current().info.attempt);
        // Retryable as thrown: only the policy's nonRetryableErrorTypes stops the retries.
        throw ApplicationFailure.retryable(
          'no such person',
          NON_RETRYABLE_ERROR_TYPES.InvalidRequest,
        );
      },
    });
    const failure = await w
      .runUntil(
        env.client.workflow.execute('WorkflowDemoTypeScript', {
          taskQueue: TASK_QUEUES.typescript,
          workflowId: id('non-retryable'),
          args: [hello('Nobody')],
        }),
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const activityFailure = (failure as WorkflowFailedError).cause;
    expect(activityFailure).toBeInstanceOf(ActivityFailure);
    expect((activityFailure as ActivityFailure).cause).toMatchObject({ type: 'InvalidRequest' });
    expect(attempts).toEqual([1]);
  });

  it('backs off 1 s, 2 s, 4 s … capped at 30 s, and gives up when the 300 s scheduleToClose runs out', async () => {
    const scheduled: number[] = [];
    const w = await worker({
      ActivitySayHelloTypeScript: async () => {
        scheduled.push(Context.current().info.currentAttemptScheduledTimestampMs);
        throw new Error('Postgres says no');
      },
    });
    const started = Date.now();
    const failure = await w
      .runUntil(
        env.client.workflow.execute('WorkflowDemoTypeScript', {
          taskQueue: TASK_QUEUES.typescript,
          workflowId: id('timeout'),
          args: [hello('Grace')],
        }),
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const activityFailure = (failure as WorkflowFailedError).cause as ActivityFailure;
    expect(activityFailure).toBeInstanceOf(ActivityFailure);
    expect(activityFailure.retryState).toBe('TIMEOUT');
    expect(activityFailure.cause?.message).toBe('Postgres says no');
    // Gaps between attempts, in whole seconds of (skipped) workflow time. The test server
    // reports the second attempt with the first one's scheduled time (a quirk of its own; the
    // dev server does not), hence the leading 0.
    const gaps = scheduled.slice(1).map((t, i) => Math.round((t - scheduled[i]!) / 1000));
    expect(gaps.slice(0, 7)).toEqual([0, 1, 2, 4, 8, 16, 30]);
    expect(new Set(gaps.slice(6))).toEqual(new Set([30]));
    // Attempts went on until the 300 s budget was nearly used (one 30 s gap, plus the lag above).
    const span = (scheduled.at(-1)! - scheduled[0]!) / 1000;
    expect(span).toBeLessThanOrEqual(300);
    expect(span).toBeGreaterThan(300 - 2 * 30);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
