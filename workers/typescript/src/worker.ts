/**
 * The TypeScript worker's entry point: `node --import tsx workers/typescript/src/worker.ts`
 * (cwd: the repository root). Environment: TEMPORAL_HOST, TEMPORAL_NAMESPACE, TS_TASK_QUEUE,
 * PYTHON_TASK_QUEUE, DATABASE_URL, METRICS_PORT (9464), HEALTH_PORT (7081), BIND_HOST,
 * SHUTDOWN_GRACE_MS, DB_MIGRATE, DB_SEED, DEMO_ACTIVITY_DELAY_MS, LOG_LEVEL (config.ts).
 *
 * SIGTERM/SIGINT: the SDK's Runtime stops polling, lets in-flight activities finish for up to
 * SHUTDOWN_GRACE_MS, then cancels them; `worker.run()` returns and everything closes in order.
 */
import { makeTelemetryFilterString, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { setTimeout as sleep } from 'node:timers/promises';
import { workerConfigFrom } from './config.js';
import { migrate, seed } from './db/migrate.js';
import { createPool } from './db/pool.js';
import { startHealthServer, type Readiness } from './health.js';
import { createLogger, sdkLogger, type PinoLogger } from './logging.js';
import { prometheusTelemetry } from './metrics.js';
import { cachedBundleWorkflows, workerOptions } from './worker-setup.js';
import type { CacheOutcome } from './workflow-bundle-cache.js';

async function main(): Promise<void> {
  const config = workerConfigFrom(process.env);
  const logger = createLogger('worker-typescript');
  Runtime.install({
    logger: sdkLogger(logger),
    telemetryOptions: {
      metrics: prometheusTelemetry(`${config.bindHost}:${config.metricsPort}`),
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN', other: 'WARN' }) },
    },
    shutdownSignals: ['SIGINT', 'SIGTERM'],
  });

  let worker: Worker | undefined;
  let connection: NativeConnection | undefined;
  const health = await startHealthServer({
    host: config.bindHost,
    port: config.healthPort,
    check: () => readiness(worker, connection),
  });
  const pool = createPool(config.databaseUrl, logger);
  // The workflow bundle (from the on-disk cache, or webpack when workflow code changed) is built
  // while the database and Temporal connections are being made: neither needs the other.
  const bundling = cachedBundleWorkflows({ taskQueues: config.taskQueues });
  bundling.catch(() => undefined); // awaited below; a failure then ends the start
  try {
    if (config.migrate) await untilDone(logger, 'migrate Postgres', () => prepareDatabase());
    connection = await untilDone(logger, `connect to Temporal at ${config.address}`, () =>
      NativeConnection.connect({ address: config.address }),
    );
    const { bundle, outcome } = await bundling;
    logger.info({ cache: describeCacheOutcome(outcome) }, 'workflow bundle ready');
    worker = await Worker.create(
      await workerOptions({
        connection,
        namespace: config.namespace,
        taskQueues: config.taskQueues,
        deps: { pool, demoDelayMs: config.demoDelayMs },
        meter: Runtime.instance().metricMeter,
        shutdownGraceTime: config.shutdownGraceMs,
        workflowBundle: bundle,
      }),
    );
    logger.info(
      {
        taskQueue: config.taskQueues.typescript,
        namespace: config.namespace,
        metrics: `http://${config.bindHost}:${config.metricsPort}/metrics`,
        health: `http://${config.bindHost}:${health.port}/readyz`,
      },
      'worker polling',
    );
    await worker.run();
    logger.info('worker drained and stopped');
  } finally {
    await health.close();
    await connection?.close();
    await pool.end();
  }

  async function prepareDatabase(): Promise<void> {
    const applied = await migrate(pool);
    if (config.seed) await seed(pool);
    logger.info({ applied, seeded: config.seed }, 'database ready');
  }
}

function describeCacheOutcome(outcome: CacheOutcome): string {
  if (outcome.kind === 'hit') return `hit (${outcome.path})`;
  if (outcome.kind === 'off') return 'off (WORKFLOW_BUNDLE_CACHE_DIR=off)';
  const stored =
    'path' in outcome.stored
      ? `stored in ${outcome.stored.path}`
      : `not stored: ${outcome.stored.skipped}`;
  return `miss (${outcome.reason}); bundled, ${stored}`;
}

/** Ready = the worker polls (RUNNING) and the server answers a health check within a second. */
async function readiness(
  worker: Worker | undefined,
  connection: NativeConnection | undefined,
): Promise<Readiness> {
  if (!worker || !connection) return { ready: false, reason: 'starting' };
  const state = worker.getState();
  if (state !== 'RUNNING') return { ready: false, reason: `worker ${state.toLowerCase()}` };
  try {
    await connection.withDeadline(Date.now() + 1_000, () => connection.healthService.check({}));
    return { ready: true };
  } catch (error) {
    return { ready: false, reason: `Temporal unreachable: ${String(error)}` };
  }
}

/**
 * Dependencies may come up a moment after us (or restart): retry with capped backoff for up to
 * a minute, logging each failure, then give up and exit non-zero so the supervisor sees it.
 */
async function untilDone<T>(
  logger: PinoLogger,
  what: string,
  attempt: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (let delay = 250; ; delay = Math.min(delay * 2, 5_000)) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() + delay > deadline) throw error;
      logger.warn({ err: String(error), retryInMs: delay }, `could not ${what}; retrying`);
      await sleep(delay);
    }
  }
}

main().catch((error: unknown) => {
  createLogger('worker-typescript').fatal({ err: error }, 'worker failed');
  process.exitCode = 1;
});
