import { create } from '@bufbuild/protobuf';
import { log } from '@temporalio/workflow';
import { CreateSummaryRequestSchema } from '../../../../protos/gen/ts/timecop/activities/v1/create_summary_pb.js';
import { FetchPatientEventsRequestSchema } from '../../../../protos/gen/ts/timecop/activities/v1/fetch_patient_events_pb.js';
import {
  SummarizePatientContextWorkflowResponseSchema,
  type SummarizePatientContextWorkflowRequest,
  type SummarizePatientContextWorkflowResponse,
} from '../../../../protos/gen/ts/timecop/workflows/v1/summarize_patient_context_pb.js';
import { typescriptActivities } from './activity-options.js';
import { invalidRequest, requireNonEmpty } from './validation.js';

/** Reads a patient's events from Postgres (FetchPatientEvents), then summarizes them. */
export async function SummarizePatientContextWorkflow(
  request: SummarizePatientContextWorkflowRequest,
): Promise<SummarizePatientContextWorkflowResponse> {
  const patientId = requireNonEmpty('patient_id', request.patientId);
  if (request.maxEvents < 0) throw invalidRequest('max_events must not be negative');
  const { FetchPatientEvents, CreateSummary } = typescriptActivities();
  const fetched = await FetchPatientEvents(
    create(FetchPatientEventsRequestSchema, {
      patientId,
      limit: request.maxEvents,
      ...(request.since ? { since: request.since } : {}),
    }),
  );
  const summary = await CreateSummary(
    create(CreateSummaryRequestSchema, { patientId, events: fetched.events }),
  );
  log.info('summarized patient context', {
    patientId,
    eventCount: summary.eventCount,
    truncated: fetched.truncated,
  });
  return create(SummarizePatientContextWorkflowResponseSchema, {
    patientId,
    summary: summary.summary,
    eventCount: summary.eventCount,
  });
}
