import pg from 'pg';
import type { PinoLogger } from '../logging.js';

export const DATABASE_URL_ENV = 'DATABASE_URL';
export const DEFAULT_DATABASE_URL = 'postgres://timecop:timecop@127.0.0.1:5432/timecop';

/**
 * A small pool: the worker runs few activities at once. Short connect and statement timeouts
 * turn a Postgres that is down or stuck into an activity error quickly, which the retry policy
 * then waits out (with backoff) instead of an activity hanging until its 300 s timeout.
 */
export function createPool(connectionString: string, logger: PinoLogger): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: 5,
    connectionTimeoutMillis: 3_000,
    idleTimeoutMillis: 10_000,
    statement_timeout: 10_000,
    application_name: 'time-cop-worker-typescript',
  });
  // An idle client whose server went away emits here; without a listener it would crash the
  // process. The pool drops that client and the next query connects afresh.
  pool.on('error', (error) => logger.warn({ err: error.message }, 'idle Postgres client failed'));
  return pool;
}
