/**
 * The worker's database code on both engines devenv's postgres service can run: the installed
 * PostgreSQL server, and the embedded PGlite a machine without one gets (here with PostgreSQL
 * hidden from the toolchain, so devenv picks PGlite by itself). Same pool settings as the worker,
 * same migrations, seed and FetchPatientEvents query, under the concurrency the worker produces.
 */
import { create } from '@bufbuild/protobuf';
import { MockActivityEnvironment } from '@temporalio/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { withoutPostgresServer } from '../../../../devenv/src/postgres/hide-postgres.js';
import {
  FetchPatientEventsRequestSchema,
  type FetchPatientEventsRequest,
  type FetchPatientEventsResponse,
} from '../../../../protos/gen/ts/timecop/activities/v1/fetch_patient_events_pb.js';
import { startPostgres, testLogger, type TestPostgres } from '../../../test/support.js';
import { createFetchPatientEvents } from '../activities/fetch-patient-events.js';
import { migrate, seed } from './migrate.js';
import { createPool } from './pool.js';

const ENGINES: [string, () => Promise<TestPostgres>, RegExp][] = [
  [
    'PostgreSQL (installed)',
    () => startPostgres({ engine: 'postgres' }),
    /^PostgreSQL \d+\.\d+ \(/,
  ],
  [
    'PGlite (no PostgreSQL installed)',
    () => startPostgres({ env: withoutPostgresServer(process.env) }),
    /^PostgreSQL \d+\.\d+ \(PGlite \d/,
  ],
];

describe.each(ENGINES)('the worker’s queries on %s', (_name, start, version) => {
  const started = start();
  afterAll(async () => (await started).dispose());

  it('runs on the engine named', async () => {
    expect((await started).description).toMatch(version);
  });

  it('migrates and seeds idempotently, then serves concurrent activities beside a migration and a transaction', async () => {
    const server = await started;
    const pool = createPool(server.url, testLogger);
    try {
      expect(await migrate(pool)).toEqual(['001_patient_events.sql']);
      await seed(pool);
      await seed(pool);
      const fetchEvents = createFetchPatientEvents(pool);
      const fetch = (request: FetchPatientEventsRequest): Promise<FetchPatientEventsResponse> =>
        new MockActivityEnvironment().run(fetchEvents, request);
      // Every pooled connection open, as in a worker that has been serving for a while.
      await Promise.all(Array.from({ length: 5 }, () => pool.query('SELECT 1')));
      // A writer holds a transaction (as a second worker's first migration would) while the
      // activities' queries and a migration check queue up behind it.
      let began = () => {};
      const inTransaction = new Promise<void>((resolve) => (began = resolve));
      const writer = (async () => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query(
            'INSERT INTO patient_events (patient_id, kind, occurred_at) VALUES ($1, $2, now())',
            ['patient-003', 'other'],
          );
          began();
          await sleep(100);
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      })();
      await inTransaction;
      const fetches = Array.from({ length: 30 }, (_, i) =>
        fetch(
          create(FetchPatientEventsRequestSchema, {
            patientId: i % 2 === 0 ? 'patient-001' : 'patient-002',
            limit: (i % 4) + 1,
          }),
        ),
      );
      const [applied, responses] = await Promise.all([migrate(pool), Promise.all(fetches), writer]);
      expect(applied).toEqual([]);
      responses.forEach((response, i) => {
        const events = i % 2 === 0 ? [1n, 2n, 3n, 4n, 5n] : [6n, 7n];
        const limit = (i % 4) + 1;
        expect(response.events.map((e) => e.eventId)).toEqual(events.slice(0, limit));
        expect(response.truncated).toBe(events.length > limit);
      });
    } finally {
      await pool.end();
    }
  }, 60_000);
});
