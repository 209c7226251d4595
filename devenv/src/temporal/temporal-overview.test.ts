import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../diagnostic.js';
import { parseStack } from '../model/load-stack.js';
import type { Stack } from '../model/stack.js';
import { mergeQueues } from './queue-discovery.js';
import { failuresSince, millisOf } from './task-failures.js';
import { temporalTargetOf, workflowPageUrl, type TaskFailure } from './temporal-overview.js';

function stackOf(text: string): Stack {
  const result = parseStack([{ file: 'compose.yaml', text }], { projectDir: '/proj', env: {} });
  if (!result.ok) throw new Error(result.error.map(formatDiagnostic).join('\n'));
  return result.value;
}

describe('the task queues a compose file declares', () => {
  it("takes x-devenv.temporal.task_queues, *_TASK_QUEUE variables and a temporal_worker probe's queue, and the UI from x-devenv.url", () => {
    const stack = stackOf(`
services:
  temporal:
    image: temporalio/temporal
    x-devenv:
      url: http://127.0.0.1:8233
      probe: { temporal: { address: '127.0.0.1:7233', namespace: sample } }
  worker:
    image: worker
    environment: { ORDERS_TASK_QUEUE: orders }
    x-devenv:
      temporal: { task_queues: [hello-world, billing] }
  sample-worker:
    image: sample
    x-devenv:
      probe: { temporal_worker: { task_queue: probed } }
`);
    expect(temporalTargetOf(stack)).toEqual({
      address: '127.0.0.1:7233',
      namespace: 'sample',
      uiUrl: 'http://127.0.0.1:8233',
      taskQueues: ['billing', 'hello-world', 'orders', 'probed'],
    });
  });

  it('refuses a task_queues that is not a list of names', () => {
    const result = parseStack(
      [
        {
          file: 'compose.yaml',
          text: 'services:\n  w:\n    image: w\n    x-devenv:\n      temporal: { task_queues: [""] }\n',
        },
      ],
      { projectDir: '/proj', env: {} },
    );
    expect(result.ok ? [] : result.error.map(formatDiagnostic).join('\n')).toContain(
      'expected a task queue name',
    );
  });
});

describe('the queues the panel reads', () => {
  it('lists each queue once, declared first, then from executions, then from schedules, capped', () => {
    const merged = mergeQueues(
      ['orders'],
      { executions: ['hello-world', 'orders', '', 'hello-world'], schedules: ['nightly', 'extra'] },
      3,
    );
    expect(merged).toEqual([
      { name: 'orders', source: 'declared' },
      { name: 'hello-world', source: 'executions' },
      { name: 'nightly', source: 'schedules' },
    ]);
  });
});

describe('failures since the last reload', () => {
  const failure = (taskQueue: string, at: number): TaskFailure => ({
    kind: 'activity',
    taskQueue,
    workflowId: `wf-${at}`,
    runId: 'r',
    type: 'greet',
    message: 'no',
    attempt: 2,
    at,
  });

  it('counts per queue the failures at or after the reload', () => {
    const counts = failuresSince([failure('a', 100), failure('a', 200), failure('b', 50)], 100);
    expect([...counts]).toEqual([['a', 2]]);
  });

  it('reads protobuf times whose seconds are a Long or a string', () => {
    expect(millisOf({ seconds: '12', nanos: 345_678_901 })).toBe(12_345);
    expect(millisOf({})).toBeUndefined();
  });

  it("links a failure to its run's history in the Temporal UI", () => {
    expect(
      workflowPageUrl('http://127.0.0.1:8233/', 'default', { workflowId: 'a b', runId: 'r1' }),
    ).toBe('http://127.0.0.1:8233/namespaces/default/workflows/a%20b/r1/history');
  });
});
