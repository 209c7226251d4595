/**
 * The determinism guard devenv runs before it swaps in changed workflow code: the histories of
 * this worker's open workflows (the most recent ones) replay against the code as it is on disk
 * now. Prints one JSON line and exits 0 when every history replays, 1 when one does not (the
 * swap would break running executions), 2 when it could not check.
 *
 *   node --import tsx/esm workers/typescript/src/replay-guard.ts [--workflows PATH] [--limit N]
 *
 * With --serve it stays up and checks once per line on stdin, answering each with that JSON line
 * (devenv's `reload_guard.serve`): its webpack and its Temporal connection stay warm, so a check
 * costs a fraction of a fresh process's. Reads TEMPORAL_HOST, TEMPORAL_NAMESPACE and
 * TS_TASK_QUEUE like the worker.
 */
import { Client, Connection } from '@temporalio/client';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { workerConfigFrom } from './config.js';
import { workerReloadClient, type WorkerReloadClient } from './worker-reload-client.js';
import {
  bundleWorkflows,
  cachedBundleWorkflows,
  replayOptions,
  WORKFLOWS_PATH,
} from './worker-setup.js';
import { bundleCodeSha256 } from './workflow-bundle-cache.js';

interface Violation {
  readonly workflowId: string;
  readonly runId: string;
  readonly type: string;
  readonly message: string;
}

interface Verdict {
  readonly code: 0 | 1 | 2;
  readonly line: string;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      workflows: { type: 'string' },
      limit: { type: 'string' },
      serve: { type: 'boolean' },
    },
    strict: true,
  });
  const limit = Number(values.limit ?? 20);
  const workflows = values.workflows === undefined ? WORKFLOWS_PATH : resolve(values.workflows);
  const config = workerConfigFrom(process.env);
  const worker = workerReloadClient(config);
  let connection: Connection | undefined;
  const check = async (): Promise<Verdict> => {
    try {
      connection ??= await Connection.connect({ address: config.address, connectTimeout: 5_000 });
      const client = new Client({ connection, namespace: config.namespace });
      return await checkOpenWorkflows(
        client,
        config.taskQueues.typescript,
        limit,
        workflows,
        worker,
      );
    } catch (error) {
      // The next check connects again: Temporal may have restarted meanwhile.
      await connection?.close().catch(() => undefined);
      connection = undefined;
      const message = error instanceof Error ? error.message : String(error);
      return { code: 2, line: JSON.stringify({ error: message }) };
    }
  };

  if (!values.serve) {
    const verdict = await check();
    await connection?.close();
    process.stdout.write(`${verdict.line}\n`);
    return verdict.code;
  }
  // Warm up before the first request: load webpack and bundle once (the cache keeps the result
  // for the worker too), so even the first check after a save is a warm one.
  // A hit of the disk cache leaves webpack's kept cache empty (kept-webpack-cache.ts): one run
  // fills it, so the first save's bundle rebuilds only what changed.
  const warm = await cachedBundleWorkflows({ workflowsPath: workflows }).catch(() => undefined);
  if (warm?.outcome.kind === 'hit')
    await bundleWorkflows({ workflowsPath: workflows }).catch(() => undefined);
  for await (const request of createInterface({ input: process.stdin })) {
    if (request.trim() === '') continue;
    process.stdout.write(`${(await check()).line}\n`);
  }
  await connection?.close();
  return 0;
}

interface OpenWorkflow {
  readonly workflowId: string;
  readonly runId: string;
  readonly type: string;
}

/**
 * Replays the histories of up to `limit` open workflows on `taskQueue` against `workflowsPath`.
 * The bundle is built while the histories are fetched; with a `worker` to prepare, it creates its
 * next workflow Worker from that bundle while the replay runs, and drops it when the replay fails.
 */
async function checkOpenWorkflows(
  client: Client,
  taskQueue: string,
  limit: number,
  workflowsPath: string,
  worker: WorkerReloadClient | undefined,
): Promise<Verdict> {
  const bundleStarted = performance.now();
  const cpuBefore = process.cpuUsage();
  const bundling = replayOptions('determinism-guard', workflowsPath).then(
    (options) => ({ ok: true, options, ...bundleTimes(bundleStarted, cpuBefore) }) as const,
    (error: unknown) => ({ ok: false, error }) as const,
  );
  const open = await openWorkflows(client, taskQueue, limit);
  const histories = await Promise.all(
    open.map(async (w) => ({
      workflowId: w.workflowId,
      history: await client.workflow.getHandle(w.workflowId, w.runId).fetchHistory(),
    })),
  );
  const bundled = await bundling;
  // Code that does not bundle passes when nothing is open: the swap then refuses it, saying why.
  if (bundled.ok && bundled.options.workflowBundle && 'code' in bundled.options.workflowBundle)
    await worker?.prepare(bundleCodeSha256(bundled.options.workflowBundle.code), {
      bundleMs: bundled.ms,
      bundleCpuMs: bundled.cpuMs,
    });
  else if (histories.length > 0) throw bundled.ok ? new Error('no workflow bundle') : bundled.error;
  let violations: Violation[] = [];
  let passed = false;
  try {
    if (bundled.ok) violations = await replay(bundled.options, histories, open);
    passed = violations.length === 0;
  } finally {
    // A refusal, or a replay that could not run: the prepared Worker must never poll.
    if (!passed) await worker?.discard();
  }
  return {
    code: violations.length > 0 ? 1 : 0,
    line: JSON.stringify({ checked: open.length, violations }),
  };
}

/**
 * Wall and CPU time of the bundle (the CPU of this process meanwhile, the history fetch's little
 * included): on a busy machine the two tell webpack's cost from the wait for a core.
 */
function bundleTimes(startedAt: number, cpuBefore: NodeJS.CpuUsage): { ms: number; cpuMs: number } {
  const cpu = process.cpuUsage(cpuBefore);
  return {
    ms: Math.round(performance.now() - startedAt),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
  };
}

async function replay(
  options: ReplayWorkerOptions,
  histories: readonly { workflowId: string; history: unknown }[],
  open: readonly OpenWorkflow[],
): Promise<Violation[]> {
  const violations: Violation[] = [];
  if (histories.length === 0) return violations;
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
  return violations;
}

async function openWorkflows(
  client: Client,
  taskQueue: string,
  limit: number,
): Promise<OpenWorkflow[]> {
  const query = `TaskQueue="${taskQueue}" AND ExecutionStatus="Running"`;
  const open: OpenWorkflow[] = [];
  for await (const execution of client.workflow.list({ query })) {
    open.push({ workflowId: execution.workflowId, runId: execution.runId, type: execution.type });
    if (open.length >= limit) break;
  }
  return open;
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
