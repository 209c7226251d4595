import { create } from '@bufbuild/protobuf';
import { log } from '@temporalio/workflow';
import { ActivitySayHelloRequestSchema } from '../../../../protos/gen/ts/timecop/activities/v1/say_hello_pb.js';
import {
  WorkflowDemoMixedResponseSchema,
  WorkflowDemoPythonResponseSchema,
  WorkflowDemoTypeScriptResponseSchema,
  type WorkflowDemoMixedRequest,
  type WorkflowDemoMixedResponse,
  type WorkflowDemoPythonRequest,
  type WorkflowDemoPythonResponse,
  type WorkflowDemoTypeScriptRequest,
  type WorkflowDemoTypeScriptResponse,
} from '../../../../protos/gen/ts/timecop/workflows/v1/demo_pb.js';
import { pythonActivities, typescriptActivities } from './activity-options.js';
import { requireNonEmpty } from './validation.js';

/** Greets through both workers: a TypeScript activity, then a Python one by name (seeds 1–2). */
export async function WorkflowDemoMixed(
  request: WorkflowDemoMixedRequest,
): Promise<WorkflowDemoMixedResponse> {
  const name = requireNonEmpty('name', request.name);
  const hello = create(ActivitySayHelloRequestSchema, { name });
  const fromTypeScript = await typescriptActivities().ActivitySayHelloTypeScript(hello);
  const fromPython = await pythonActivities().ActivitySayHelloPython(hello);
  log.info('greeted from both workers', { name });
  return create(WorkflowDemoMixedResponseSchema, {
    greetings: [fromTypeScript.greeting, fromPython.greeting],
  });
}

/** Only the TypeScript worker: the throughput benchmark's workflow. */
export async function WorkflowDemoTypeScript(
  request: WorkflowDemoTypeScriptRequest,
): Promise<WorkflowDemoTypeScriptResponse> {
  const name = requireNonEmpty('name', request.name);
  const { greeting } = await typescriptActivities().ActivitySayHelloTypeScript(
    create(ActivitySayHelloRequestSchema, { name }),
  );
  return create(WorkflowDemoTypeScriptResponseSchema, { greeting });
}

/** A TypeScript workflow whose only activity runs on the Python worker. */
export async function WorkflowDemoPython(
  request: WorkflowDemoPythonRequest,
): Promise<WorkflowDemoPythonResponse> {
  const name = requireNonEmpty('name', request.name);
  const { greeting } = await pythonActivities().ActivitySayHelloPython(
    create(ActivitySayHelloRequestSchema, { name }),
  );
  return create(WorkflowDemoPythonResponseSchema, { greeting });
}
