import { create } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import {
  CreateSummaryResponseSchema,
  type CreateSummaryRequest,
  type CreateSummaryResponse,
} from '../../../../protos/gen/ts/timecop/activities/v1/create_summary_pb.js';
import {
  PatientEventKind,
  type PatientEvent,
} from '../../../../protos/gen/ts/timecop/activities/v1/patient_event_pb.js';

const KIND_WORDS: Record<PatientEventKind, [singular: string, plural: string]> = {
  [PatientEventKind.UNSPECIFIED]: ['other event', 'other events'],
  [PatientEventKind.ADMISSION]: ['admission', 'admissions'],
  [PatientEventKind.LAB_RESULT]: ['lab result', 'lab results'],
  [PatientEventKind.MEDICATION]: ['medication', 'medications'],
  [PatientEventKind.DISCHARGE]: ['discharge', 'discharges'],
  [PatientEventKind.OTHER]: ['other event', 'other events'],
};

/**
 * A deterministic text summary (counts per kind, the span, the latest note): a stand-in for a
 * model call, pure so that it is testable without one.
 */
export async function CreateSummary(request: CreateSummaryRequest): Promise<CreateSummaryResponse> {
  return create(CreateSummaryResponseSchema, {
    summary: summarize(request.patientId, request.events),
    eventCount: request.events.length,
  });
}

export function summarize(patientId: string, events: readonly PatientEvent[]): string {
  if (events.length === 0) return '';
  // Readers treat UNSPECIFIED as OTHER (patient_event.proto); counts are listed in enum order.
  const counts = new Map<PatientEventKind, number>();
  for (const event of events) {
    const kind = event.kind === PatientEventKind.UNSPECIFIED ? PatientEventKind.OTHER : event.kind;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  const parts = [...counts.entries()]
    .sort(([a], [b]) => a - b)
    .map(([kind, n]) => {
      const [singular, plural] = KIND_WORDS[kind] ?? KIND_WORDS[PatientEventKind.OTHER];
      return `${n} ${n === 1 ? singular : plural}`;
    });
  const dates = events.flatMap((e) => (e.occurredAt ? [timestampDate(e.occurredAt)] : []));
  const first = dates[0];
  const last = dates[dates.length - 1];
  const span = first && last ? ` between ${day(first)} and ${day(last)}` : '';
  const latestNote = [...events].reverse().find((e) => e.note.trim() !== '')?.note;
  return (
    `Patient ${patientId}: ${events.length} event${events.length === 1 ? '' : 's'}${span} ` +
    `(${parts.join(', ')}).` +
    (latestNote ? ` Latest note: ${latestNote}` : '')
  );
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}
