/**
 * Test-only workflows (bundled by the cross-language test, never registered in production):
 * direct calls of each Python activity, so a test can check the typed proto result and the
 * failure of each one without a production workflow around it.
 */
import type {
  CreateSummaryRequest,
  CreateSummaryResponse,
} from '../../../protos/gen/ts/timecop/activities/v1/create_summary_pb.js';
import type {
  ActivitySayHelloRequest,
  ActivitySayHelloResponse,
} from '../../../protos/gen/ts/timecop/activities/v1/say_hello_pb.js';
import { pythonActivities } from '../../typescript/src/workflows/activity-options.js';

export async function CallCreateSummaryPython(
  request: CreateSummaryRequest,
): Promise<CreateSummaryResponse> {
  return pythonActivities().CreateSummaryPython(request);
}

export async function CallSayHelloPython(
  request: ActivitySayHelloRequest,
): Promise<ActivitySayHelloResponse> {
  return pythonActivities().ActivitySayHelloPython(request);
}
