import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProjectVersions } from '../../test/project-versions.js';
import { waitUntil } from '../../test/wait-until.js';
import { freePort } from '../process/free-port.js';
import { PROJECT_ROOT } from '../project-root.js';
import { createToolchain } from '../toolchain/toolchain.js';
import type { TemporalOverview } from './temporal-overview.js';
import { watchTemporal } from './temporal-watch.js';

const FAILING_WORKFLOWS = join(
  PROJECT_ROOT,
  'devenv/test/temporal-sample/src/failing-workflows.ts',
);
const FAILING_QUEUE = 'failing-queue';

// A real Temporal dev server (the project's CLI from the toolchain) on a free port, real workers
// in this process, and the panel's watch reading them as the TUI does, only more often.
let server: ChildProcess;
let address: string;
let connection: Connection;
let client: Client;

beforeAll(async () => {
  // The failures are on purpose: the workers' warnings about them are noise here.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const temporal = await createToolchain({
    projectRoot: PROJECT_ROOT,
    versions: await loadProjectVersions(),
  }).find('temporal');
  if (!temporal.ok) throw new Error(JSON.stringify(temporal.error));
  const port = await freePort();
  address = `127.0.0.1:${port}`;
  server = spawn(
    temporal.value.path,
    ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port)],
    { stdio: 'ignore' },
  );
  connection = await waitUntil('the dev server answers', 30_000, () =>
    Connection.connect({ address, connectTimeout: 1_000 }),
  );
  client = new Client({ connection });
});

afterAll(async () => {
  await connection?.close();
  server?.kill('SIGTERM');
});

/** The panel's readings of the server, newest last, while `body` runs. */
async function watching<T>(
  taskQueues: readonly string[],
  body: (latest: () => TemporalOverview | undefined) => Promise<T>,
): Promise<T> {
  let latest: TemporalOverview | undefined;
  const stop = watchTemporal(
    { address, namespace: 'default', taskQueues, uiUrl: undefined },
    (overview) => (latest = overview),
    { periodMs: 300, discoveryPeriodMs: 600 },
  );
  try {
    return await body(() => latest);
  } finally {
    stop();
  }
}

const queueIn = (overview: TemporalOverview | undefined, name: string) =>
  overview?.taskQueues.find((q) => q.name === name);

async function failingWorker(identity: string) {
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue: FAILING_QUEUE,
    identity,
    workflowsPath: FAILING_WORKFLOWS,
    activities: {
      refuse: async () => {
        throw new Error('the activity refuses');
      },
    },
  });
  const running = worker.run();
  let stopped: Promise<void> | undefined;
  return {
    stop: () =>
      (stopped ??= (async () => {
        worker.shutdown();
        await running;
        await nativeConnection.close();
      })()),
  };
}

describe('the Temporal panel reads a real dev server', () => {
  it('finds the queue of a running execution that nothing declares, with its backlog and oldest task', async () => {
    await client.workflow.start('example', {
      taskQueue: 'only-in-code',
      workflowId: 'waits-for-a-worker',
      args: ['Temporal'],
    });
    await watching([], async (latest) => {
      const queue = await waitUntil('only-in-code in the panel', 20_000, () => {
        const q = queueIn(latest(), 'only-in-code');
        return q && q.backlog === 1 && (q.oldestTaskAgeMs ?? 0) > 0 ? q : undefined;
      });
      expect(queue).toMatchObject({ source: 'executions', workflowPollers: 0, activityPollers: 0 });
    });
  });

  it("finds a schedule's queue", async () => {
    await client.schedule.create({
      scheduleId: 'nightly',
      spec: { intervals: [{ every: '1 day' }] },
      action: { type: 'startWorkflow', workflowType: 'example', taskQueue: 'scheduled-only' },
      state: { paused: true },
    });
    await watching([], async (latest) => {
      const queue = await waitUntil('scheduled-only in the panel', 20_000, () =>
        queueIn(latest(), 'scheduled-only'),
      );
      expect(queue.source).toBe('schedules');
    });
  });

  it('shows a throw in workflow code and a failing activity on their queue, counted since the last reload', async () => {
    const first = await failingWorker('first-worker');
    let second: Awaited<ReturnType<typeof failingWorker>> | undefined;
    try {
      const throwing = await client.workflow.start('throwsInCode', {
        taskQueue: FAILING_QUEUE,
        workflowId: 'throws-in-code',
      });
      await client.workflow.start('callsFailingActivity', {
        taskQueue: FAILING_QUEUE,
        workflowId: 'calls-failing-activity',
      });
      await watching([FAILING_QUEUE], async (latest) => {
        const before = await waitUntil('both failures counted', 30_000, () => {
          const overview = latest();
          return queueIn(overview, FAILING_QUEUE)?.failuresSinceReload === 2 ? overview : undefined;
        });
        expect(queueIn(before, FAILING_QUEUE)).toMatchObject({
          source: 'declared',
          workflowPollers: 1,
          activityPollers: 1,
        });
        expect(before?.failures).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              kind: 'workflow-task',
              type: 'throwsInCode',
              workflowId: 'throws-in-code',
              message: 'boom in workflow code',
            }),
            expect.objectContaining({
              kind: 'activity',
              type: 'refuse',
              workflowId: 'calls-failing-activity',
              message: 'the activity refuses',
            }),
          ]),
        );

        // A reload: the worker restarts (a new identity). The activity waits an hour for its
        // retry, so it is still listed but no longer counted; a new failure counts at once.
        await throwing.terminate('done with it');
        await first.stop();
        second = await failingWorker('second-worker');
        const after = await waitUntil('the reload seen', 30_000, () => {
          const overview = latest();
          return overview && overview.reloadedAt > (before?.reloadedAt ?? 0) ? overview : undefined;
        });
        expect(queueIn(after, FAILING_QUEUE)?.failuresSinceReload).toBe(0);
        expect(after.failures.map((f) => f.workflowId)).toContain('calls-failing-activity');
        await client.workflow.start('callsFailingActivity', {
          taskQueue: FAILING_QUEUE,
          workflowId: 'fails-after-reload',
        });
        await waitUntil('the new failure counted', 30_000, () =>
          queueIn(latest(), FAILING_QUEUE)?.failuresSinceReload === 1 ? true : undefined,
        );
      });
    } finally {
      await second?.stop();
      await first.stop();
    }
  }, 120_000);
});
