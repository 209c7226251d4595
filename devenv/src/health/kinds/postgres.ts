import { z } from 'zod';
import { url } from '../../model/schema-fields.js';
import type { ProbeKindDefinition } from '../probe-kind.js';
import { importOnce } from '../import-once.js';

export interface PostgresCheck {
  readonly kind: 'postgres';
  readonly url: string;
}

const runner = importOnce(() => import('../postgres-probe.js'));

/** `postgres: URL` or `postgres: {url}`: a connection runs `SELECT 1`. */
export const postgresProbe: ProbeKindDefinition<PostgresCheck> = {
  parse: z
    .union([url, z.strictObject({ url })], { error: 'expected a postgres:// URL or {url}' })
    .transform((postgres) => ({
      kind: 'postgres',
      url: typeof postgres === 'string' ? postgres : postgres.url,
    })),
  write: (check) => ({ url: check.url }),
  example: { kind: 'postgres', url: 'postgres://devenv@127.0.0.1:5432/devenv' },
  run: async (check, timeoutMs) => (await runner()).probePostgres(check.url, timeoutMs),
};
