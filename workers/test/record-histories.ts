/**
 * Records one history per workflow type into workers/test/histories/ for the replay tests:
 * `npx tsx workers/test/record-histories.ts`. Runs the production workflows on a real dev server
 * with both workers and a throwaway Postgres. Re-record after an intended, versioned change to a
 * workflow (and keep the old files when old runs may still be open).
 */
import { create } from '@bufbuild/protobuf';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import { Runtime, Worker } from '@temporalio/worker';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { SummarizePatientContextWorkflowRequestSchema } from '../../protos/gen/ts/timecop/workflows/v1/summarize_patient_context_pb.js';
import {
  WorkflowDemoMixedRequestSchema,
  WorkflowDemoPythonRequestSchema,
  WorkflowDemoTypeScriptRequestSchema,
} from '../../protos/gen/ts/timecop/workflows/v1/demo_pb.js';
import { LongTimerWorkflowRequestSchema } from '../../protos/gen/ts/timecop/workflows/v1/long_timer_pb.js';
import { ensureWorkerPython, pythonWorkerCommand } from '../python/env.js';
import { migrate, seed } from '../typescript/src/db/migrate.js';
import { createLogger, sdkLogger } from '../typescript/src/logging.js';
import { TASK_QUEUES, WORKFLOWS, type WorkflowKey } from '../typescript/src/routing.js';
import { workerOptions } from '../typescript/src/worker-setup.js';
import { snoozeSignal } from '../typescript/src/workflows/long-timer.js';
import { freePort, spawnWorker, startDevServer, startPostgres } from './support.js';

const HISTORIES = fileURLToPath(new URL('./histories/', import.meta.url));
const logger = createLogger('record-histories');

async function main(): Promise<void> {
  Runtime.install({ logger: sdkLogger(createLogger('sdk', undefined, 'warn')) });
  const postgres = await startPostgres();
  const env = await startDevServer();
  const pool = new pg.Pool({ connectionString: postgres.url });
  const venv = await ensureWorkerPython();
  if (!venv.ok) throw new Error(JSON.stringify(venv.error));
  const cmd = pythonWorkerCommand(venv.value);
  const python = spawnWorker(
    cmd.command,
    cmd.args,
    {
      ...cmd.env,
      TEMPORAL_HOST: env.connection.options.address,
      TEMPORAL_NAMESPACE: env.namespace ?? 'time-cop',
      METRICS_PORT: String(await freePort()),
    },
    await freePort(),
  );
  try {
    await migrate(pool);
    await seed(pool);
    await python.ready();
    const worker = await Worker.create(
      await workerOptions({
        connection: env.nativeConnection,
        namespace: env.namespace ?? 'time-cop',
        deps: { pool },
      }),
    );
    const starts: Record<WorkflowKey, () => Promise<string>> = {
      demoMixed: () => run('demoMixed', [create(WorkflowDemoMixedRequestSchema, { name: 'Ada' })]),
      demoTypeScript: () =>
        run('demoTypeScript', [create(WorkflowDemoTypeScriptRequestSchema, { name: 'Ada' })]),
      demoPython: () =>
        run('demoPython', [create(WorkflowDemoPythonRequestSchema, { name: 'Ada' })]),
      summarizePatientContext: () =>
        run('summarizePatientContext', [
          create(SummarizePatientContextWorkflowRequestSchema, { patientId: 'patient-001' }),
        ]),
      longTimer: async () => {
        // Short in real time, with a snooze, so the history has a timer re-armed by a signal.
        const workflowId = `${WORKFLOWS.longTimer.idPrefix}-recording`;
        const handle = await env.client.workflow.start(WORKFLOWS.longTimer.type, {
          taskQueue: TASK_QUEUES.typescript,
          workflowId,
          args: [
            create(LongTimerWorkflowRequestSchema, {
              duration: durationFromMs(1_000),
              label: 'recording',
            }),
          ],
        });
        await handle.signal(snoozeSignal, { byMs: 500 });
        await handle.result();
        return workflowId;
      },
    };
    async function run(key: WorkflowKey, args: unknown[]): Promise<string> {
      const workflowId = `${WORKFLOWS[key].idPrefix}-recording`;
      await env.client.workflow.execute(WORKFLOWS[key].type, {
        taskQueue: TASK_QUEUES.typescript,
        workflowId,
        args,
      });
      return workflowId;
    }
    await worker.runUntil(async () => {
      for (const key of Object.keys(starts) as WorkflowKey[]) {
        const workflowId = await starts[key]();
        const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
        const file = `${HISTORIES}${WORKFLOWS[key].type}.json`;
        await writeFile(file, `${JSON.stringify(history, null, 2)}\n`);
        logger.info({ file, events: history.events?.length }, 'recorded');
      }
    });
  } finally {
    await python.stop();
    await pool.end();
    await env.teardown();
    await postgres.dispose();
  }
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'recording failed');
  process.exitCode = 1;
});
