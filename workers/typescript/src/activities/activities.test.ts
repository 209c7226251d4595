/**
 * Activities in MockActivityEnvironment (no Temporal server); FetchPatientEvents against a real,
 * throwaway PostgreSQL with the real migration and seed.
 */
import { create } from '@bufbuild/protobuf';
import { timestampDate, timestampFromMs } from '@bufbuild/protobuf/wkt';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FetchPatientEventsRequestSchema,
  type FetchPatientEventsRequest,
  type FetchPatientEventsResponse,
} from '../../../../protos/gen/ts/timecop/activities/v1/fetch_patient_events_pb.js';
import { PatientEventKind } from '../../../../protos/gen/ts/timecop/activities/v1/patient_event_pb.js';
import { ActivitySayHelloRequestSchema } from '../../../../protos/gen/ts/timecop/activities/v1/say_hello_pb.js';
import {
  CreateSummaryRequestSchema,
  type CreateSummaryResponse,
} from '../../../../protos/gen/ts/timecop/activities/v1/create_summary_pb.js';
import { startPostgres } from '../../../test/support.js';
import { migrate, seed } from '../db/migrate.js';
import { CreateSummary } from './create-summary.js';
import { createFetchPatientEvents } from './fetch-patient-events.js';
import { ActivitySayHelloTypeScript } from './say-hello.js';

const server = await startPostgres();
const pool = new pg.Pool({ connectionString: server.url });
// pool.end() settles while its clients' sockets are still closing; a server stopping right then
// sends those clients 57P01 (admin shutdown). Expected at teardown only; anything else still fails.
pool.on('error', (error: Error & { code?: string }) => {
  if (error.code !== '57P01') throw error;
});
afterAll(async () => {
  await pool.end();
  await server.dispose();
});

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('ActivitySayHelloTypeScript', () => {
  it('greets, and rejects an empty name as non-retryable InvalidRequest', async () => {
    const env = new MockActivityEnvironment();
    const response = await env.run(
      ActivitySayHelloTypeScript,
      create(ActivitySayHelloRequestSchema, { name: 'Ada' }),
    );
    expect(response).toMatchObject({
      greeting: 'Hello from a TypeScript Worker, Ada!',
      workerLanguage: 'typescript',
    });
    const failure = await rejection(
      env.run(ActivitySayHelloTypeScript, create(ActivitySayHelloRequestSchema, { name: ' ' })),
    );
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'InvalidRequest', nonRetryable: true });
  });
});

describe(`FetchPatientEvents on ${server.description}`, () => {
  const fetchEvents = createFetchPatientEvents(pool);
  const run = (request: FetchPatientEventsRequest): Promise<FetchPatientEventsResponse> =>
    new MockActivityEnvironment().run(fetchEvents, request);

  it('migrates once (idempotent) and seeds idempotently', async () => {
    expect(await migrate(pool)).toEqual(['001_patient_events.sql']);
    expect(await migrate(pool)).toEqual([]);
    await seed(pool);
    await seed(pool);
    const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM patient_events');
    expect(rows[0]?.n).toBe('7');
  });

  it('returns a patient’s events oldest first, as typed messages', async () => {
    const response = await run(
      create(FetchPatientEventsRequestSchema, { patientId: 'patient-001' }),
    );
    expect(response.truncated).toBe(false);
    expect(response.events.map((e) => e.eventId)).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(response.events.map((e) => e.kind)).toEqual([
      PatientEventKind.ADMISSION,
      PatientEventKind.LAB_RESULT,
      PatientEventKind.MEDICATION,
      PatientEventKind.LAB_RESULT,
      PatientEventKind.DISCHARGE,
    ]);
    expect(timestampDate(response.events[0]!.occurredAt!).toISOString()).toBe(
      '2025-01-10T08:15:00.000Z',
    );
  });

  it('applies `since` and `limit`, and says when the limit cut the list short', async () => {
    const since = timestampFromMs(Date.parse('2025-01-10T10:00:00Z'));
    const limited = await run(
      create(FetchPatientEventsRequestSchema, { patientId: 'patient-001', since, limit: 2 }),
    );
    expect(limited.events.map((e) => e.eventId)).toEqual([3n, 4n]);
    expect(limited.truncated).toBe(true);
    const none = await run(create(FetchPatientEventsRequestSchema, { patientId: 'nobody' }));
    expect(none.events).toEqual([]);
  });

  it('rejects bad input as non-retryable InvalidRequest without querying', async () => {
    const failure = await rejection(
      run(create(FetchPatientEventsRequestSchema, { patientId: '' })),
    );
    expect(failure).toMatchObject({ type: 'InvalidRequest', nonRetryable: true });
  });
});

describe('CreateSummary', () => {
  it('summarizes counts per kind, the span and the latest note; nothing for no events', async () => {
    const fetched: FetchPatientEventsResponse = await new MockActivityEnvironment().run(
      createFetchPatientEvents(pool),
      create(FetchPatientEventsRequestSchema, { patientId: 'patient-001' }),
    );
    const env = new MockActivityEnvironment();
    const summary: CreateSummaryResponse = await env.run(
      CreateSummary,
      create(CreateSummaryRequestSchema, { patientId: 'patient-001', events: fetched.events }),
    );
    expect(summary.eventCount).toBe(5);
    expect(summary.summary).toBe(
      'Patient patient-001: 5 events between 2025-01-10 and 2025-01-12 ' +
        '(1 admission, 2 lab results, 1 medication, 1 discharge). ' +
        'Latest note: Discharged home, follow-up in 2 weeks',
    );
    const empty = await env.run(
      CreateSummary,
      create(CreateSummaryRequestSchema, { patientId: 'p' }),
    );
    expect(empty).toMatchObject({ summary: '', eventCount: 0 });
  });
});
