/**
 * How a TypeScript worker is put together, shared by worker.ts, the tests, the replay tests and
 * the benchmarks, so each of them runs exactly the production wiring: workflow code bundled with
 * the task queues baked in, the protobuf payload converter, the metrics interceptors.
 */
import {
  bundleWorkflowCode,
  type NativeConnection,
  type ReplayWorkerOptions,
  type WorkerOptions,
} from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createActivities, type Activities, type ActivityDeps } from './activities/index.js';
import { activityPayloadGuard } from './interceptors/activity-guard.js';
import { activityMetricsInterceptor } from './interceptors/activity-metrics.js';
import type { MetricMeter } from '@temporalio/common';
import { createLogger, sdkLogger } from './logging.js';
import {
  contentSnapshots,
  KeptWebpackCache,
  type CachedInputFileSystem,
} from './kept-webpack-cache.js';
import { bundleTimeDefines, TASK_QUEUES, type TaskQueues } from './routing.js';
import {
  bundleCacheKey,
  cachedWorkflowBundle,
  lookupWorkflowBundle,
  type CacheOutcome,
  type WebpackPlugin,
} from './workflow-bundle-cache.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));
export const WORKFLOW_METRICS_INTERCEPTOR = fileURLToPath(
  new URL('./interceptors/workflow-metrics.ts', import.meta.url),
);
export const PAYLOAD_GUARD_INTERCEPTOR = fileURLToPath(
  new URL('./interceptors/payload-guard.ts', import.meta.url),
);
/** Workers: the contracts' converter with deferred failures (payload-converter.ts). */
export const PAYLOAD_CONVERTER_PATH = fileURLToPath(
  new URL('./payload-converter.ts', import.meta.url),
);
/** Clients: the contracts' converter itself (a client should see a bad payload throw). */
export const CLIENT_PAYLOAD_CONVERTER_PATH = fileURLToPath(
  new URL('../../../protos/ts/payload-converter.ts', import.meta.url),
);

const require = createRequire(import.meta.url);

let typeScriptRequire = false;
/**
 * The SDK `require()`s `payloadConverterPath` (a .ts file importing `.js` names) in this process;
 * tsx's CommonJS hook makes that work wherever this runs: under `node --import tsx` it is already
 * there (registering again is harmless), under vitest it is not.
 */
export async function ensureTypeScriptRequire(): Promise<void> {
  if (typeScriptRequire) return;
  const { register } = await import('tsx/cjs/api');
  register();
  typeScriptRequire = true;
}

/** The data converter for workers: protobuf-es messages ⇄ binary/protobuf. */
export const DATA_CONVERTER = { payloadConverterPath: PAYLOAD_CONVERTER_PATH } as const;
/** The same wire format for clients (tests, the dispatcher). */
export const CLIENT_DATA_CONVERTER = {
  payloadConverterPath: CLIENT_PAYLOAD_CONVERTER_PATH,
} as const;

export interface WorkflowCodeOptions {
  /** Workflow module (default: the worker's registration list); tests add their own. */
  readonly workflowsPath?: string;
  /** Record time_cop_workflow_durations_ms (default true). */
  readonly metrics?: boolean;
  /** The queues workflow code routes activities to (default: this process's environment). */
  readonly taskQueues?: TaskQueues;
}

/**
 * The SDK bundles workflow code with webpack (swc-loader for .ts, `.js` → `.ts` aliasing). We add
 * one DefinePlugin: the sandbox has no `process.env`, so the task queues are fixed at bundle time;
 * and a source map without the sources.
 */
function webpackConfigHook(
  queues: TaskQueues,
  extraPlugins: readonly WebpackPlugin[] = [],
  kept?: KeptWebpackCache,
) {
  // webpack as the SDK itself resolves it (its dependency, not ours): same instance, same version.
  const webpack = sdkRequire('webpack') as {
    DefinePlugin: new (defs: Record<string, string>) => unknown;
  };
  return <C extends { plugins?: unknown[] }>(config: C): C => ({
    ...config,
    // The SDK's inline-source-map also inlines every module's source text: 2.9 MB of bundle, not
    // 1.5, for every swap to cache, parse, compile and copy into the workflow thread. Only
    // `showStackTraceSources` reads that text (off here); stack traces still map to file:line.
    devtool: 'inline-nosources-source-map',
    // The modules of earlier bundles, checked against the files' content (kept-webpack-cache.ts).
    ...(kept ? { cache: false, snapshot: contentSnapshots } : {}),
    plugins: [
      ...(config.plugins ?? []),
      new webpack.DefinePlugin(bundleTimeDefines(queues)),
      ...(kept ? [kept.plugin()] : []),
      ...extraPlugins,
    ],
  });
}

/** One kept webpack cache per bundler configuration (bundleKey); a few configurations at most. */
const keptCaches = new Map<string, KeptWebpackCache>();
const KEPT_CONFIGURATIONS = 4;

function keptCacheFor(key: string): KeptWebpackCache {
  let kept = keptCaches.get(key);
  if (kept) keptCaches.delete(key);
  kept ??= new KeptWebpackCache(
    (webpackRequire('enhanced-resolve') as { CachedInputFileSystem: CachedInputFileSystem })
      .CachedInputFileSystem,
  );
  keptCaches.set(key, kept); // most recently used last
  for (const old of keptCaches.keys())
    if (keptCaches.size > KEPT_CONFIGURATIONS) keptCaches.delete(old);
  return kept;
}

/** Resolves modules as @temporalio/worker does (its bundler's own dependencies). */
function sdkRequire(name: string): unknown {
  return createRequire(require.resolve('@temporalio/worker'))(name);
}

/** Resolves modules as the SDK's webpack does (its resolver, enhanced-resolve). */
function webpackRequire(name: string): unknown {
  const sdk = createRequire(require.resolve('@temporalio/worker'));
  return createRequire(sdk.resolve('webpack'))(name);
}

function interceptorModules(options: WorkflowCodeOptions): string[] {
  return [
    PAYLOAD_GUARD_INTERCEPTOR,
    ...(options.metrics === false ? [] : [WORKFLOW_METRICS_INTERCEPTOR]),
  ];
}

/**
 * One bundle, reusable by many workers (tests bundle once per file instead of per worker).
 * `keepCache` (default true): webpack's cache of this process's earlier bundles with the same
 * options serves the modules whose files did not change.
 */
export async function bundleWorkflows(
  options: WorkflowCodeOptions = {},
  extraPlugins: readonly WebpackPlugin[] = [],
  keepCache = true,
) {
  await ensureTypeScriptRequire();
  const kept = keepCache ? keptCacheFor(bundleKey(options)) : undefined;
  return bundleWorkflowCode({
    // webpack's report only when something is wrong (it is long, and every test bundles).
    logger: sdkLogger(createLogger('workflow-bundler', undefined, 'warn')),
    workflowsPath: options.workflowsPath ?? WORKFLOWS_PATH,
    workflowInterceptorModules: interceptorModules(options),
    payloadConverterPath: PAYLOAD_CONVERTER_PATH,
    webpackConfigHook: webpackConfigHook(
      options.taskQueues ?? snapshot(TASK_QUEUES),
      extraPlugins,
      kept,
    ),
  });
}

/**
 * Where workflow bundles are cached: WORKFLOW_BUNDLE_CACHE_DIR when set ('off' disables the
 * cache), otherwise the repository's `.devenv/` and, when that cannot be written (a container
 * with a read-only root filesystem), the temporary directory.
 */
export function bundleCacheDirs(env: Readonly<Record<string, string | undefined>>): string[] {
  const configured = env['WORKFLOW_BUNDLE_CACHE_DIR']?.trim();
  if (configured === 'off') return [];
  if (configured) return [configured];
  return [
    fileURLToPath(new URL('../../../.devenv/cache/workflow-bundle', import.meta.url)),
    join(tmpdir(), 'time-cop-workflow-bundle'),
  ];
}

/**
 * Everything besides the files webpack reads that shapes a bundle: our bundler options (the
 * values and this file, which defines them), the bundler's and its loaders' versions.
 */
function bundleKey(options: WorkflowCodeOptions): string {
  const version = (name: string) =>
    (sdkRequire(`${name}/package.json`) as { version: string }).version;
  return bundleCacheKey({
    workflowsPath: options.workflowsPath ?? WORKFLOWS_PATH,
    interceptors: interceptorModules(options),
    payloadConverterPath: PAYLOAD_CONVERTER_PATH,
    defines: bundleTimeDefines(options.taskQueues ?? snapshot(TASK_QUEUES)),
    setup: readFileSync(fileURLToPath(import.meta.url), 'utf8'),
    tools: ['@temporalio/worker', 'webpack', 'swc-loader', '@swc/core', 'source-map-loader'].map(
      (name) => `${name}@${version(name)}`,
    ),
  });
}

/**
 * bundleWorkflows through the on-disk cache (workflow-bundle-cache.ts): the same code, without
 * webpack when no file the bundle depends on changed since it was cached. `keepCache`: as for
 * bundleWorkflows (the worker, which rarely bundles twice, does without its ~20 MB).
 */
export async function cachedBundleWorkflows(
  options: WorkflowCodeOptions = {},
  dirs: readonly string[] = bundleCacheDirs(process.env),
  keepCache = true,
): Promise<{ bundle: { code: string }; outcome: CacheOutcome }> {
  return cachedWorkflowBundle({
    dirs,
    key: bundleKey(options),
    build: (track) => bundleWorkflows(options, [track], keepCache),
  });
}

/**
 * The cached bundle whose code has `codeSha256`, the one the determinism guard built and
 * replays (workflow-bundle-cache.ts lookupWorkflowBundle); never runs webpack.
 */
export async function guardedWorkflowBundle(
  options: WorkflowCodeOptions,
  codeSha256: string,
  dirs: readonly string[] = bundleCacheDirs(process.env),
): Promise<{ code: string }> {
  const found = await lookupWorkflowBundle(dirs, bundleKey(options), codeSha256);
  if (!found)
    throw new Error(
      'the bundle cache has no bundle with that code (not stored, or replaced by a newer one)',
    );
  return found;
}

/** What every worker of this process shares, whichever task types it polls. */
export interface WorkerBase {
  readonly connection: NativeConnection;
  readonly namespace: string;
  readonly taskQueue?: string;
  /** How long SIGTERM waits for in-flight activities before cancelling them. */
  readonly shutdownGraceTime?: WorkerOptions['shutdownGraceTime'];
}

export interface WorkflowWorkerSetup extends WorkerBase, WorkflowCodeOptions {
  /** A prebuilt bundle (bundleWorkflows, cachedBundleWorkflows); otherwise Worker.create bundles. */
  readonly workflowBundle?: { readonly code: string };
}

export interface ActivityWorkerSetup extends WorkerBase {
  readonly taskQueues?: TaskQueues;
  /** Where activity metrics go (Runtime.instance().metricMeter); none: not recorded. */
  readonly meter?: MetricMeter;
  /** Record time_cop_activity_durations_ms (default true, given a meter). */
  readonly metrics?: boolean;
}

export interface WorkerSetup extends WorkflowWorkerSetup, ActivityWorkerSetup {
  readonly deps: ActivityDeps;
}

/** One Worker that polls workflow and activity tasks: tests, benches, replay recording. */
export async function workerOptions(setup: WorkerSetup): Promise<WorkerOptions> {
  const workflows = await workflowWorkerOptions(setup);
  const { activities, interceptors } = await activityWorkerOptions(
    setup,
    createActivities(setup.deps),
  );
  return {
    ...workflows,
    ...(activities ? { activities } : {}),
    interceptors: { ...workflows.interceptors, ...interceptors },
  };
}

/**
 * A Worker that polls workflow tasks only. worker.ts runs it beside an activity-only Worker, so
 * new activity code can replace the activity Worker while this one (and its bundle) stays.
 */
export async function workflowWorkerOptions(setup: WorkflowWorkerSetup): Promise<WorkerOptions> {
  await ensureTypeScriptRequire();
  const queues = setup.taskQueues ?? snapshot(TASK_QUEUES);
  return {
    ...baseOptions(setup, queues),
    ...(setup.workflowBundle
      ? { workflowBundle: setup.workflowBundle }
      : {
          workflowsPath: WORKFLOWS_PATH,
          bundlerOptions: { webpackConfigHook: webpackConfigHook(queues) },
        }),
    // A prebuilt bundle already contains its interceptor modules (bundleWorkflows).
    interceptors: setup.workflowBundle ? {} : { workflowModules: interceptorModules(setup) },
  };
}

/** A Worker that polls activity tasks only, running `activities` (createActivities' shape). */
export async function activityWorkerOptions(
  setup: ActivityWorkerSetup,
  activities: Activities,
): Promise<WorkerOptions> {
  await ensureTypeScriptRequire();
  const metrics = setup.metrics !== false && setup.meter !== undefined;
  return {
    ...baseOptions(setup, setup.taskQueues ?? snapshot(TASK_QUEUES)),
    activities,
    interceptors: {
      activity: [
        activityPayloadGuard,
        ...(metrics && setup.meter ? [activityMetricsInterceptor(setup.meter)] : []),
      ],
    },
  };
}

function baseOptions(setup: WorkerBase, queues: TaskQueues) {
  return {
    connection: setup.connection,
    namespace: setup.namespace,
    taskQueue: setup.taskQueue ?? queues.typescript,
    dataConverter: DATA_CONVERTER,
    ...(setup.shutdownGraceTime !== undefined
      ? { shutdownGraceTime: setup.shutdownGraceTime }
      : {}),
  };
}

/**
 * For Worker.runReplayHistories: the same workflow code, no connection. Bundled through the
 * cache, so the worker that starts after a passing determinism guard reuses the guard's bundle.
 */
export async function replayOptions(
  replayName: string,
  workflowsPath: string = WORKFLOWS_PATH,
): Promise<ReplayWorkerOptions> {
  await ensureTypeScriptRequire();
  const { bundle } = await cachedBundleWorkflows({ workflowsPath });
  return { replayName, workflowBundle: bundle, dataConverter: DATA_CONVERTER };
}

function snapshot(queues: TaskQueues): TaskQueues {
  return { typescript: queues.typescript, python: queues.python };
}
