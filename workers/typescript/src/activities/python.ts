import type {
  CreateSummaryRequest,
  CreateSummaryResponse,
} from '../../../../protos/gen/ts/timecop/activities/v1/create_summary_pb.js';
import type {
  ActivitySayHelloRequest,
  ActivitySayHelloResponse,
} from '../../../../protos/gen/ts/timecop/activities/v1/say_hello_pb.js';
import type { ACTIVITY_TYPES } from '../routing.js';

/**
 * The Python worker's activities as TypeScript sees them: called by string name on the Python
 * task queue (seeds pattern 1), so this interface is the only type check across the language
 * boundary. Its keys must be registered names (checked below); workers/python/timecop_worker/
 * activities.py registers the same names, and the cross-language test runs each one.
 */
export interface PythonActivities {
  ActivitySayHelloPython(request: ActivitySayHelloRequest): Promise<ActivitySayHelloResponse>;
  CreateSummaryPython(request: CreateSummaryRequest): Promise<CreateSummaryResponse>;
}

// Compile-time: every key is one of ACTIVITY_TYPES' values (a typo fails typecheck).
type Registered = (typeof ACTIVITY_TYPES)[keyof typeof ACTIVITY_TYPES];
const _keysAreRegisteredNames: Record<keyof PythonActivities, Registered> = {
  ActivitySayHelloPython: 'ActivitySayHelloPython',
  CreateSummaryPython: 'CreateSummaryPython',
};
void _keysAreRegisteredNames;
