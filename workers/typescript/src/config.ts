import { DATABASE_URL_ENV, DEFAULT_DATABASE_URL } from './db/pool.js';
import { DEFAULT_HEALTH_PORT } from './health.js';
import { DEFAULT_METRICS_PORT } from './metrics.js';
import { taskQueuesFrom, temporalTargetFrom, type TaskQueues } from './routing.js';

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
  /** DEMO_ACTIVITY_DELAY_MS: simulated work in the greeting activity (default 0). */
  readonly demoDelayMs: number;
  /**
   * HOT_RELOAD=1: POST /reload on the health port swaps in the workflow or activity code as it is
   * now (devenv's native run sets it; off elsewhere, the port may be reachable from a network).
   */
  readonly hotReload: boolean;
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
    demoDelayMs: integer(env, 'DEMO_ACTIVITY_DELAY_MS', 0),
    hotReload: env['HOT_RELOAD'] === '1',
  };
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
