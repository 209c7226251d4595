import pg from 'pg';
import { messageOf } from '../../shared/result.js';
import { failed, passed, type ProbeOutcome } from './probe-outcome.js';

/** Ready when `select 1` answers on the connection URL. */
export async function probePostgres(url: string, timeoutMs: number): Promise<ProbeOutcome> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return passed('select 1 answered');
  } catch (error) {
    return failed(messageOf(error));
  } finally {
    await client.end().catch(() => {});
  }
}
