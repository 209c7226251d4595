/**
 * The determinism guard devenv runs before it swaps in changed workflow code: the histories of
 * this worker's open workflows (the most recent ones) replay against the code as it is on disk
 * now. Prints one JSON line and exits 0 when every history replays, 1 when one does not (the
 * swap would break running executions), 2 when it could not check.
 *
 *   node --import tsx workers/typescript/src/replay-guard.ts [--workflows PATH] [--limit N]
 *
 * Reads TEMPORAL_HOST, TEMPORAL_NAMESPACE and TS_TASK_QUEUE like the worker.
 */
import { Client, Connection } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { workerConfigFrom } from './config.js';
import { replayOptions, WORKFLOWS_PATH } from './worker-setup.js';

interface Violation {
  readonly workflowId: string;
  readonly runId: string;
  readonly type: string;
  readonly message: string;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { workflows: { type: 'string' }, limit: { type: 'string' } },
    strict: true,
  });
  const limit = Number(values.limit ?? 20);
  const config = workerConfigFrom(process.env);
  const connection = await Connection.connect({ address: config.address, connectTimeout: 5_000 });
  try {
    const client = new Client({ connection, namespace: config.namespace });
    const query = `TaskQueue="${config.taskQueues.typescript}" AND ExecutionStatus="Running"`;
    const open: { workflowId: string; runId: string; type: string }[] = [];
    for await (const execution of client.workflow.list({ query })) {
      open.push({ workflowId: execution.workflowId, runId: execution.runId, type: execution.type });
      if (open.length >= limit) break;
    }
    const histories = await Promise.all(
      open.map(async (w) => ({
        workflowId: w.workflowId,
        history: await client.workflow.getHandle(w.workflowId, w.runId).fetchHistory(),
      })),
    );
    const violations: Violation[] = [];
    if (histories.length > 0) {
      const workflows = values.workflows === undefined ? WORKFLOWS_PATH : resolve(values.workflows);
      const options = await replayOptions('determinism-guard', workflows);
      for await (const result of Worker.runReplayHistories(options, histories)) {
        if (!result.error) continue;
        const w = open.find((o) => o.workflowId === result.workflowId);
        violations.push({
          workflowId: result.workflowId,
          runId: w?.runId ?? '',
          type: w?.type ?? '',
          message: result.error.message.split('\n')[0] ?? result.error.message,
        });
      }
    }
    process.stdout.write(`${JSON.stringify({ checked: open.length, violations })}\n`);
    return violations.length > 0 ? 1 : 0;
  } finally {
    await connection.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stdout.write(
      `${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`,
    );
    process.exit(2);
  },
);
