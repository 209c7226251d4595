import { createRegistry, type DescFile, type Registry } from '@bufbuild/protobuf';
import { file_grpc_health_v1_health } from '../gen/ts/grpc/health/v1/health_pb.js';
import { file_timecop_activities_v1_create_summary } from '../gen/ts/timecop/activities/v1/create_summary_pb.js';
import { file_timecop_activities_v1_fetch_patient_events } from '../gen/ts/timecop/activities/v1/fetch_patient_events_pb.js';
import { file_timecop_activities_v1_patient_event } from '../gen/ts/timecop/activities/v1/patient_event_pb.js';
import { file_timecop_activities_v1_say_hello } from '../gen/ts/timecop/activities/v1/say_hello_pb.js';
import { file_timecop_dispatcher_v1_dispatcher } from '../gen/ts/timecop/dispatcher/v1/dispatcher_pb.js';
import { file_timecop_workflows_v1_demo } from '../gen/ts/timecop/workflows/v1/demo_pb.js';
import { file_timecop_workflows_v1_long_timer } from '../gen/ts/timecop/workflows/v1/long_timer_pb.js';
import { file_timecop_workflows_v1_summarize_patient_context } from '../gen/ts/timecop/workflows/v1/summarize_patient_context_pb.js';

/**
 * Every generated contract file. A new .proto is added here, and the round-trip test fails until
 * it is (it checks this list against protos/gen/ts and every message against the test vectors).
 */
export const CONTRACT_FILES: readonly DescFile[] = [
  file_grpc_health_v1_health,
  file_timecop_activities_v1_create_summary,
  file_timecop_activities_v1_fetch_patient_events,
  file_timecop_activities_v1_patient_event,
  file_timecop_activities_v1_say_hello,
  file_timecop_dispatcher_v1_dispatcher,
  file_timecop_workflows_v1_demo,
  file_timecop_workflows_v1_long_timer,
  file_timecop_workflows_v1_summarize_patient_context,
];

/** Message types by full name (`timecop.workflows.v1.WorkflowDemoMixedRequest`), for payloads. */
export const contractsRegistry: Registry = createRegistry(...CONTRACT_FILES);
