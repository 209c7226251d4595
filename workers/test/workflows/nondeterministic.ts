/**
 * The production workflows with one deliberate non-deterministic edit, for the replay test that
 * proves the replay guard can fail: WorkflowDemoMixed calls the Python activity first.
 */
import { create } from '@bufbuild/protobuf';
import { ActivitySayHelloRequestSchema } from '../../../protos/gen/ts/timecop/activities/v1/say_hello_pb.js';
import {
  WorkflowDemoMixedResponseSchema,
  type WorkflowDemoMixedRequest,
  type WorkflowDemoMixedResponse,
} from '../../../protos/gen/ts/timecop/workflows/v1/demo_pb.js';
import {
  pythonActivities,
  typescriptActivities,
} from '../../typescript/src/workflows/activity-options.js';

export {
  LongTimerWorkflow,
  SummarizePatientContextWorkflow,
  WorkflowDemoPython,
  WorkflowDemoTypeScript,
} from '../../typescript/src/workflows/index.js';

export async function WorkflowDemoMixed(
  request: WorkflowDemoMixedRequest,
): Promise<WorkflowDemoMixedResponse> {
  const hello = create(ActivitySayHelloRequestSchema, { name: request.name });
  const fromPython = await pythonActivities().ActivitySayHelloPython(hello);
  const fromTypeScript = await typescriptActivities().ActivitySayHelloTypeScript(hello);
  return create(WorkflowDemoMixedResponseSchema, {
    greetings: [fromTypeScript.greeting, fromPython.greeting],
  });
}
