import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../devenv/src/project-root.js';
import { loadProjectVersions } from '../../../devenv/test/project-versions.js';
import pg from 'pg';
import { createActivities } from './activities/index.js';
import { MAX_DEMO_DELAY_MS } from './config.js';
import {
  ACTIVITY_ATTEMPT_TIMEOUTS,
  ACTIVITY_TYPES,
  bundleTimeDefines,
  DEFAULT_ACTIVITY_OPTIONS,
  millisecondsOf,
  TASK_QUEUES,
  taskQueuesFrom,
  temporalTargetFrom,
  WORKFLOWS,
  workflowId,
} from './routing.js';
import { activityOptions } from './workflows/activity-options.js';
import * as workflows from './workflows/index.js';

describe('routing', () => {
  it('lists exactly the workflows the worker registers, each named as its function', () => {
    expect(Object.keys(workflows).sort()).toEqual(
      Object.values(WORKFLOWS)
        .map((w) => w.type)
        .sort(),
    );
    for (const route of Object.values(WORKFLOWS)) {
      expect(route.request.typeName).toBe(`timecop.workflows.v1.${route.type}Request`);
      expect(route.response.typeName).toBe(`timecop.workflows.v1.${route.type}Response`);
    }
  });

  it('reads task queues and the Temporal target from the environment, with defaults', () => {
    expect(taskQueuesFrom({})).toEqual({
      typescript: 'time-cop-typescript',
      python: 'time-cop-python',
    });
    expect(taskQueuesFrom({ TS_TASK_QUEUE: 'ts-2', PYTHON_TASK_QUEUE: ' ' })).toEqual({
      typescript: 'ts-2',
      python: 'time-cop-python',
    });
    expect(temporalTargetFrom({})).toEqual({ address: '127.0.0.1:7233', namespace: 'time-cop' });
    expect(temporalTargetFrom({ TEMPORAL_HOST: 'temporal:7233', TEMPORAL_NAMESPACE: 'x' })).toEqual(
      {
        address: 'temporal:7233',
        namespace: 'x',
      },
    );
  });

  it('resolves queues at each access (env changes are seen), and bakes them for the bundle', () => {
    const saved = process.env['PYTHON_TASK_QUEUE'];
    try {
      process.env['PYTHON_TASK_QUEUE'] = 'py-test';
      expect(TASK_QUEUES.python).toBe('py-test');
      expect(WORKFLOWS.demoMixed.taskQueue).toBe(TASK_QUEUES.typescript);
      expect(JSON.parse(bundleTimeDefines()['__TIME_COP_TASK_QUEUES__']!)).toMatchObject({
        python: 'py-test',
      });
    } finally {
      if (saved === undefined) delete process.env['PYTHON_TASK_QUEUE'];
      else process.env['PYTHON_TASK_QUEUE'] = saved;
    }
  });

  it('gives every activity call 300 s and a retry policy naming the non-retryable types', () => {
    expect(DEFAULT_ACTIVITY_OPTIONS.scheduleToCloseTimeout).toBe('300 seconds');
    expect(DEFAULT_ACTIVITY_OPTIONS.retry.nonRetryableErrorTypes).toEqual([
      'InvalidRequest',
      'UnknownMessageType',
      'MissingMessageType',
      'CorruptProtobufPayload',
    ]);
    expect(workflowId('summarizePatientContext', 'patient-001', 1700000000000)).toBe(
      'SummarizePatientContextWorkflow-patient-001-1700000000000',
    );
  });
});

describe('activity timeouts', () => {
  const pythonSource = () =>
    readFile(join(PROJECT_ROOT, 'workers/python/timecop_worker/activities.py'), 'utf8');

  it('give every registered activity, TypeScript and Python, an attempt timeout', async () => {
    const unusedPool = new pg.Pool();
    const typescript = Object.keys(createActivities({ pool: unusedPool }));
    await unusedPool.end();
    const python = [...(await pythonSource()).matchAll(/@activity\.defn\(name="(\w+)"\)/g)].map(
      (m) => m[1],
    );
    expect([...typescript, ...python].sort()).toEqual(Object.values(ACTIVITY_TYPES).sort());
    expect(Object.keys(ACTIVITY_ATTEMPT_TIMEOUTS).sort()).toEqual(
      Object.values(ACTIVITY_TYPES).sort(),
    );
  });

  it('leave room in the 300 s budget for several attempts that each time out', () => {
    const budget = millisecondsOf(DEFAULT_ACTIVITY_OPTIONS.scheduleToCloseTimeout);
    const { initialInterval, backoffCoefficient, maximumInterval } = DEFAULT_ACTIVITY_OPTIONS.retry;
    for (const [activity, { startToCloseTimeout }] of Object.entries(ACTIVITY_ATTEMPT_TIMEOUTS)) {
      // Worst case: every attempt runs its whole startToCloseTimeout, then waits its backoff.
      let attempts = 0;
      let backoff = millisecondsOf(initialInterval);
      for (let used = millisecondsOf(startToCloseTimeout); used <= budget; attempts++) {
        used += backoff + millisecondsOf(startToCloseTimeout);
        backoff = Math.min(backoff * backoffCoefficient, millisecondsOf(maximumInterval));
      }
      expect(attempts, activity).toBeGreaterThanOrEqual(5);
    }
  });

  it('reach each call: its own attempt timeout, the shared budget and retry policy, its queue', () => {
    expect(activityOptions('typescript', ACTIVITY_TYPES.fetchPatientEvents)).toMatchObject({
      startToCloseTimeout: '15 seconds',
      scheduleToCloseTimeout: '300 seconds',
      retry: {
        maximumInterval: '30 seconds',
        nonRetryableErrorTypes: [
          'InvalidRequest',
          expect.any(String),
          expect.any(String),
          expect.any(String),
        ],
      },
      taskQueue: TASK_QUEUES.typescript,
    });
    expect(activityOptions('python', ACTIVITY_TYPES.sayHelloPython)).toMatchObject({
      startToCloseTimeout: '10 seconds',
      taskQueue: TASK_QUEUES.python,
    });
    // A workflow may still say otherwise in so many words.
    expect(
      activityOptions('typescript', ACTIVITY_TYPES.createSummary, {
        startToCloseTimeout: '1 minute',
      }),
    ).toMatchObject({ startToCloseTimeout: '1 minute' });
  });

  it('bound the demo delay by half the greeting’s attempt timeout, the same in Python', async () => {
    const half = (activity: keyof typeof ACTIVITY_ATTEMPT_TIMEOUTS) =>
      millisecondsOf(ACTIVITY_ATTEMPT_TIMEOUTS[activity].startToCloseTimeout) / 2;
    expect(MAX_DEMO_DELAY_MS).toBe(half(ACTIVITY_TYPES.sayHelloTypeScript));
    const config = await readFile(
      join(PROJECT_ROOT, 'workers/python/timecop_worker/config.py'),
      'utf8',
    );
    const python = /^MAX_DEMO_DELAY_MS = ([\d_]+)$/m.exec(config)?.[1]?.replaceAll('_', '');
    expect(Number(python)).toBe(half(ACTIVITY_TYPES.sayHelloPython));
  });
});

describe('the Python worker’s pins', () => {
  it('agree between versions.yaml, pyproject.toml and requirements.lock (which has hashes)', async () => {
    const versions = await loadProjectVersions();
    const pyproject = await readFile(join(PROJECT_ROOT, 'workers/python/pyproject.toml'), 'utf8');
    const lock = await readFile(join(PROJECT_ROOT, 'workers/python/requirements.lock'), 'utf8');
    for (const [pkg, library] of [
      ['temporalio', 'temporalio-python'],
      ['protobuf', 'protobuf-python'],
    ] as const) {
      const pinned = versions.libraries[library];
      expect(pyproject).toContain(`"${pkg}==${pinned}"`);
      expect(lock).toMatch(
        new RegExp(
          `^${pkg}==${pinned?.replace(/\./g, '\\.')} \\\\\n    --hash=sha256:[0-9a-f]{64}`,
          'm',
        ),
      );
    }
    // Every requirement line is exact and followed by at least one hash.
    const requirements = lock.split('\n').filter((l) => /^[a-z]/.test(l));
    for (const line of requirements) expect(line).toMatch(/^[a-z0-9-]+==[\w.]+( ; .+)? \\$/);
  });
});
