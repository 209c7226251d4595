import { create } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { log } from '@temporalio/activity';
import type pg from 'pg';
import {
  FetchPatientEventsResponseSchema,
  type FetchPatientEventsRequest,
  type FetchPatientEventsResponse,
} from '../../../../protos/gen/ts/timecop/activities/v1/fetch_patient_events_pb.js';
import {
  PatientEventKind,
  PatientEventSchema,
} from '../../../../protos/gen/ts/timecop/activities/v1/patient_event_pb.js';
import { invalidRequest } from './errors.js';

export const DEFAULT_EVENT_LIMIT = 100;

const KINDS: Record<string, PatientEventKind> = {
  admission: PatientEventKind.ADMISSION,
  lab_result: PatientEventKind.LAB_RESULT,
  medication: PatientEventKind.MEDICATION,
  discharge: PatientEventKind.DISCHARGE,
  other: PatientEventKind.OTHER,
};

interface Row {
  event_id: string; // bigint arrives as text: kept exact, converted to BigInt below
  kind: string;
  occurred_at: Date;
  note: string;
}

/**
 * FetchPatientEvents against a pool (injected: the worker's, or a test's). Connection errors
 * propagate as ordinary errors, so the retry policy retries them with backoff; only bad input is
 * non-retryable.
 */
export function createFetchPatientEvents(pool: pg.Pool) {
  return async function FetchPatientEvents(
    request: FetchPatientEventsRequest,
  ): Promise<FetchPatientEventsResponse> {
    if (request.patientId.trim() === '') throw invalidRequest('patient_id must not be empty');
    if (request.limit < 0) throw invalidRequest('limit must not be negative');
    const limit = request.limit === 0 ? DEFAULT_EVENT_LIMIT : request.limit;
    // One row more than asked tells whether the limit cut the list short.
    const { rows } = await pool.query<Row>(
      `SELECT event_id::text AS event_id, kind, occurred_at, note
         FROM patient_events
        WHERE patient_id = $1 AND ($2::timestamptz IS NULL OR occurred_at >= $2)
        ORDER BY occurred_at, event_id
        LIMIT $3`,
      [request.patientId, request.since ? timestampDate(request.since) : null, limit + 1],
    );
    const truncated = rows.length > limit;
    const events = rows.slice(0, limit).map((row) =>
      create(PatientEventSchema, {
        eventId: BigInt(row.event_id),
        kind: KINDS[row.kind] ?? PatientEventKind.OTHER,
        occurredAt: timestampFromDate(row.occurred_at),
        note: row.note,
      }),
    );
    log.info('fetched patient events', { patientId: request.patientId, count: events.length });
    return create(FetchPatientEventsResponseSchema, { events, truncated });
  };
}
