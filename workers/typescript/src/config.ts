import { DATABASE_URL_ENV, DEFAULT_DATABASE_URL } from './db/pool.js';
import { DEFAULT_HEALTH_PORT } from './health.js';
import { DEFAULT_METRICS_PORT } from './metrics.js';
import {
  ACTIVITY_ATTEMPT_TIMEOUTS,
  ACTIVITY_TYPES,
  millisecondsOf,
  taskQueuesFrom,
  temporalTargetFrom,
  type TaskQueues,
} from './routing.js';

/** Everything the TypeScript worker reads from its environment, parsed once at start. */
export interface WorkerConfig {
  readonly address: string;
  readonly namespace: string;
  readonly taskQueues: TaskQueues;
  readonly databaseUrl: string;
  /** Run migrations and insert the demo rows at start (dev stacks; off in production). */
  readonly migrate: boolean;
  readonly seed: boolean;
  /** Interface the metrics and health servers bind (127.0.0.1 locally, 0.0.0.0 in a pod). */
  readonly bindHost: string;
  readonly metricsPort: number;
  readonly healthPort: number;
  readonly shutdownGraceMs: number;
  /**
   * DEMO_ACTIVITY_DELAY_MS: simulated work in the greeting activity (default 0), at most half its
   * attempt timeout (MAX_DEMO_DELAY_MS): a longer one would time out attempt after attempt.
   */
  readonly demoDelayMs: number;
  /**
   * HOT_RELOAD=1: POST /reload on the health port swaps in the workflow or activity code as it is
   * now (devenv's native run sets it; off elsewhere, the port may be reachable from a network).
   */
  readonly hotReload: boolean;
  /** DEVENV_SESSION_TOKEN: what POST /reload requires (set by the devenv that started the worker). */
  readonly reloadToken: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

export function workerConfigFrom(env: Env): WorkerConfig {
  const target = temporalTargetFrom(env);
  return {
    ...target,
    taskQueues: taskQueuesFrom(env),
    databaseUrl: env[DATABASE_URL_ENV] || DEFAULT_DATABASE_URL,
    migrate: env['DB_MIGRATE'] !== '0',
    seed: env['DB_SEED'] !== '0',
    bindHost: env['BIND_HOST'] || '127.0.0.1',
    metricsPort: port(env, 'METRICS_PORT', DEFAULT_METRICS_PORT),
    healthPort: port(env, 'HEALTH_PORT', DEFAULT_HEALTH_PORT),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 30_000),
    demoDelayMs: demoDelay(env),
    hotReload: env['HOT_RELOAD'] === '1',
    reloadToken: env['DEVENV_SESSION_TOKEN'] || undefined,
  };
}

/** Half the greeting's startToCloseTimeout: the other half is room for a busy machine. */
export const MAX_DEMO_DELAY_MS =
  millisecondsOf(ACTIVITY_ATTEMPT_TIMEOUTS[ACTIVITY_TYPES.sayHelloTypeScript].startToCloseTimeout) /
  2;

function demoDelay(env: Env): number {
  const delayMs = integer(env, 'DEMO_ACTIVITY_DELAY_MS', 0);
  if (delayMs < 0 || delayMs > MAX_DEMO_DELAY_MS)
    throw new Error(
      `DEMO_ACTIVITY_DELAY_MS=${delayMs}: expected 0 to ${MAX_DEMO_DELAY_MS} ms, half the ` +
        `greeting's startToCloseTimeout (routing.ts ACTIVITY_ATTEMPT_TIMEOUTS); a longer delay ` +
        `would time out every attempt. Lower it, or raise that timeout with it.`,
    );
  return delayMs;
}

function port(env: Env, name: string, fallback: number): number {
  const value = integer(env, name, fallback);
  if (value < 0 || value > 65535) throw new Error(`${name}=${env[name]}: expected a port number`);
  return value;
}

function integer(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new Error(`${name}=${raw}: expected an integer`);
  return value;
}
