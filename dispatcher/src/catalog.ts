import { WORKFLOWS, type WorkflowKey } from '../../workers/typescript/src/routing.js';
import type { WorkflowRoute } from './dispatch.js';

/**
 * What the dispatcher exposes, per workflow: the HTTP path (routers per worker, as in the seeds:
 * `/typescript/...`, `/python/...`), the request field that becomes the workflow ID's business key,
 * and the `StartWorkflowRequest.input` case that selects it over gRPC. Names, queues and messages
 * come from the workers' routing.ts; nothing here repeats them.
 */
export interface StartEndpoint {
  readonly workflow: WorkflowKey;
  readonly route: WorkflowRoute;
  readonly path: string;
  /** The request field whose value is the business key of `{Workflow}-{key}-{epochMs}`. */
  readonly keyField: string;
  /** protobuf-es name of the `StartWorkflowRequest.input` / `GetWorkflowResultResponse.result` case. */
  readonly grpcCase:
    'demoMixed' | 'demoTypescript' | 'demoPython' | 'summarizePatientContext' | 'longTimer';
  readonly summary: string;
}

function endpoint(
  workflow: WorkflowKey,
  path: string,
  keyField: string,
  grpcCase: StartEndpoint['grpcCase'],
  summary: string,
): StartEndpoint {
  return { workflow, route: WORKFLOWS[workflow], path, keyField, grpcCase, summary };
}

export const START_ENDPOINTS: readonly StartEndpoint[] = [
  endpoint(
    'demoMixed',
    '/typescript/demo-mixed',
    'name',
    'demoMixed',
    'Start WorkflowDemoMixed: greetings from activities on the TypeScript and the Python worker',
  ),
  endpoint(
    'demoTypeScript',
    '/typescript/demo',
    'name',
    'demoTypescript',
    'Start WorkflowDemoTypeScript: a greeting from a TypeScript activity',
  ),
  endpoint(
    'demoPython',
    '/python/demo',
    'name',
    'demoPython',
    'Start WorkflowDemoPython: a greeting from an activity on the Python worker',
  ),
  endpoint(
    'summarizePatientContext',
    '/typescript/summarize-patient-context',
    'patient_id',
    'summarizePatientContext',
    "Start SummarizePatientContextWorkflow: summarize a patient's recent events",
  ),
  endpoint(
    'longTimer',
    '/typescript/reminders',
    'label',
    'longTimer',
    'Start a reminder (LongTimerWorkflow): a durable timer that can be snoozed and asked for its status',
  ),
];

export function endpointByCase(grpcCase: string): StartEndpoint | undefined {
  return START_ENDPOINTS.find((e) => e.grpcCase === grpcCase);
}

export function endpointByResponseType(typeName: string): StartEndpoint | undefined {
  return START_ENDPOINTS.find((e) => e.route.response.typeName === typeName);
}
