/**
 * The TypeScript worker's entry point: `node --import tsx/esm workers/typescript/src/worker.ts`
 * (cwd: the repository root). Environment: TEMPORAL_HOST, TEMPORAL_NAMESPACE, TS_TASK_QUEUE,
 * PYTHON_TASK_QUEUE, DATABASE_URL, METRICS_PORT (9464), HEALTH_PORT (7081), BIND_HOST,
 * SHUTDOWN_GRACE_MS, DB_MIGRATE, DB_SEED, DEMO_ACTIVITY_DELAY_MS, HOT_RELOAD, LOG_LEVEL
 * (config.ts).
 *
 * Two Workers on the task queue, one polling workflow tasks and one activity tasks, each
 * replaceable while the process runs (replaceable-worker.ts): with HOT_RELOAD=1, POST /reload
 * swaps in the workflow or activity code as it is now (devenv's x-devenv.hot_reload).
 *
 * SIGTERM/SIGINT: the SDK's Runtime stops polling, lets in-flight activities finish for up to
 * SHUTDOWN_GRACE_MS, then cancels them; `worker.run()` returns and everything closes in order.
 * Before the Worker exists (waiting for Postgres or Temporal) the same signals end the start.
 */
import { makeTelemetryFilterString, NativeConnection, Runtime } from '@temporalio/worker';
import { DiscardableWorker } from './discardable-worker.js';
import { workerConfigFrom, type WorkerConfig } from './config.js';
import { migrate, seed } from './db/migrate.js';
import { createPool } from './db/pool.js';
import type { ActivityDeps } from './activities/index.js';
import { answerReload, type Workers } from './reload-handler.js';
import {
  createReplaceableWorker,
  type ReplaceableWorker,
  type WorkerGeneration,
} from './replaceable-worker.js';
import { activitiesOf } from './fresh-activities.js';
import { startHealthServer, type Readiness } from './health.js';
import { createLogger, sdkLogger, type PinoLogger } from './logging.js';
import { prometheusTelemetry } from './metrics.js';
import { abortable, untilDone } from './until-done.js';
import {
  activityWorkerOptions,
  cachedBundleWorkflows,
  guardedWorkflowBundle,
  workflowWorkerOptions,
  type WorkflowCodeOptions,
} from './worker-setup.js';
import type { CacheOutcome } from './workflow-bundle-cache.js';

async function main(): Promise<void> {
  const config = workerConfigFrom(process.env);
  const logger = createLogger('worker-typescript');
  installRuntime(config, logger);
  let workers: Workers | undefined;
  let connection: NativeConnection | undefined;
  const signal = stopOnSignal(() => workers);
  const health = await startHealthServer({
    host: config.bindHost,
    port: config.healthPort,
    check: () => readiness(workers, connection),
    ...(config.hotReload
      ? {
          reload: (body: string) =>
            answerReload(workers, body, (sha) =>
              guardedWorkflowBundle({ taskQueues: config.taskQueues }, sha),
            ),
          reloadToken: config.reloadToken,
        }
      : {}),
  });
  const pool = createPool(config.databaseUrl, logger);
  // The workflow bundle (from the on-disk cache, or webpack when workflow code changed) is built
  // while the database and Temporal connections are being made: neither needs the other.
  const bundleOptions = { taskQueues: config.taskQueues };
  // Without webpack's kept cache: the guard bundles each change, the worker takes its bundle.
  const bundling = cachedBundleWorkflows(bundleOptions, undefined, false);
  bundling.catch(() => undefined); // awaited below; a failure then ends the start
  try {
    if (config.migrate)
      await untilDone(
        logger,
        'migrate Postgres',
        () => prepareDatabase(pool, config, logger),
        signal,
      );
    const connect = () => NativeConnection.connect({ address: config.address });
    connection = await untilDone(
      logger,
      `connect to Temporal at ${config.address}`,
      connect,
      signal,
    );
    const { bundle, outcome } = await abortable(bundling, signal);
    signal.throwIfAborted();
    logger.info({ cache: describeCacheOutcome(outcome) }, 'workflow bundle ready');
    const deps: ActivityDeps = { pool, demoDelayMs: config.demoDelayMs };
    workers = createWorkers({ config, connect, bundle, bundleOptions, deps, logger });
    await Promise.all([workers.workflows.start(), workers.activities.start()]);
    logPolling(logger, config, health.port);
    await runTogether(workers.workflows, workers.activities);
    logger.info('worker drained and stopped');
  } finally {
    await health.close();
    await connection?.close();
    await pool.end();
  }
}

function installRuntime(config: WorkerConfig, logger: PinoLogger): void {
  Runtime.install({
    logger: sdkLogger(logger),
    telemetryOptions: {
      metrics: prometheusTelemetry(`${config.bindHost}:${config.metricsPort}`),
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN', other: 'WARN' }) },
    },
    shutdownSignals: ['SIGINT', 'SIGTERM'],
  });
}

/**
 * SIGINT/SIGTERM: the Runtime's handlers only shut Workers down, and swallow the signal until one
 * exists: a stop while the start still waits for a dependency would otherwise take the whole grace
 * period. The returned signal aborts the start then.
 */
function stopOnSignal(workers: () => Workers | undefined): AbortSignal {
  const starting = new AbortController();
  const stopStarting = () => {
    const current = workers();
    if (!current) starting.abort(new StartStopped());
    current?.workflows.shutdown();
    current?.activities.shutdown();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, stopStarting);
  return starting.signal;
}

async function prepareDatabase(
  pool: ReturnType<typeof createPool>,
  config: WorkerConfig,
  logger: PinoLogger,
): Promise<void> {
  const applied = await migrate(pool);
  if (config.seed) await seed(pool);
  logger.info({ applied, seeded: config.seed }, 'database ready');
}

function createWorkers(setup: {
  readonly config: WorkerConfig;
  readonly connect: () => Promise<NativeConnection>;
  readonly bundle: { code: string };
  readonly bundleOptions: WorkflowCodeOptions;
  readonly deps: ActivityDeps;
  readonly logger: PinoLogger;
}): Workers {
  const { config, connect, bundle, bundleOptions, deps, logger } = setup;
  const options = {
    namespace: config.namespace,
    taskQueues: config.taskQueues,
    shutdownGraceTime: config.shutdownGraceMs,
    meter: Runtime.instance().metricMeter,
  };
  return {
    workflows: createReplaceableWorker({
      name: 'workflow',
      connect,
      // After a passing determinism guard, the cache has the guard's bundle of the new code.
      load: async (generation) =>
        generation === 1
          ? bundle
          : (await cachedBundleWorkflows(bundleOptions, undefined, false)).bundle,
      create: async (workflowConnection, workflowBundle) =>
        DiscardableWorker.createDiscardable(
          await workflowWorkerOptions({
            ...options,
            connection: workflowConnection,
            workflowBundle,
          }),
        ),
      logger,
    }),
    activities: createReplaceableWorker({
      name: 'activity',
      connect,
      load: (generation) => activitiesOf(generation, deps, { prime: config.hotReload }),
      create: async (activityConnection, activities) =>
        DiscardableWorker.createDiscardable(
          await activityWorkerOptions({ ...options, connection: activityConnection }, activities),
        ),
      logger,
    }),
  };
}

function logPolling(logger: PinoLogger, config: WorkerConfig, healthPort: number): void {
  logger.info(
    {
      taskQueue: config.taskQueues.typescript,
      namespace: config.namespace,
      metrics: `http://${config.bindHost}:${config.metricsPort}/metrics`,
      health: `http://${config.bindHost}:${healthPort}/readyz`,
      hotReload: config.hotReload ? `POST http://${config.bindHost}:${healthPort}/reload` : 'off',
    },
    'worker polling',
  );
}

/** Both run until either stops (a signal stops both; one failing stops the other), then both drained. */
async function runTogether(a: ReplaceableWorker, b: ReplaceableWorker): Promise<void> {
  const results = await Promise.allSettled([
    a.run().finally(() => b.shutdown()),
    b.run().finally(() => a.shutdown()),
  ]);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
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

/** Ready = both Workers poll (RUNNING) and the server answers a health check within a second. */
async function readiness(
  workers: Workers | undefined,
  connection: NativeConnection | undefined,
): Promise<Readiness> {
  const workflows = workers?.workflows.current();
  const activities = workers?.activities.current();
  if (!workflows || !activities || !connection) return { ready: false, reason: 'starting' };
  for (const [name, generation] of [
    ['workflow', workflows],
    ['activity', activities],
  ] as const) {
    const state = generation.worker.getState();
    if (state !== 'RUNNING')
      return { ready: false, reason: `${name} worker ${state.toLowerCase()}` };
  }
  try {
    await connection.withDeadline(Date.now() + 1_000, () => connection.healthService.check({}));
  } catch (error) {
    return { ready: false, reason: `Temporal unreachable: ${String(error)}` };
  }
  return {
    ready: true,
    detail: { workflows: describe(workflows), activities: describe(activities) },
  };
}

function describe({ generation, since }: WorkerGeneration) {
  return { generation, since };
}

/** A stop signal arrived before the Worker existed. */
class StartStopped extends Error {
  constructor() {
    super('stopped before the worker started');
  }
}

main().then(
  () => undefined,
  (error: unknown) => {
    const logger = createLogger('worker-typescript');
    if (error instanceof StartStopped || (error as Error).cause instanceof StartStopped) {
      logger.info('stopped before the worker started polling');
      // Nothing else is running; the native runtime's handles must not keep a stopped start alive.
      process.exit(0);
    }
    logger.fatal({ err: error }, 'worker failed');
    process.exitCode = 1;
  },
);
