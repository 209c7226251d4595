import { CancelQuery, DescribeQuery, ResultQuery } from '../routes/workflows.js';
import {
  bodyErrors,
  commonErrors,
  EMPTY_JSON_BODY,
  error,
  ID_PARAM,
  json,
  queryParams,
  uriTooLong,
} from './parts.js';

/** `/workflows/{id}`: describe, result and cancel, on any workflow. */
export function workflowPaths(): Record<string, unknown> {
  return {
    '/workflows/{id}': { get: describeOperation() },
    '/workflows/{id}/result': { get: resultOperation() },
    '/workflows/{id}/cancel': { post: cancelOperation() },
  };
}

function describeOperation() {
  return {
    operationId: 'describeWorkflow',
    summary: 'State of a workflow execution',
    parameters: [ID_PARAM, ...queryParams(DescribeQuery)],
    responses: {
      '200': json('The execution', {
        type: 'object',
        required: [
          'workflow_id',
          'run_id',
          'workflow_type',
          'status',
          'task_queue',
          'start_time',
          'history_length',
        ],
        properties: {
          workflow_id: { type: 'string' },
          run_id: { type: 'string' },
          workflow_type: { type: 'string' },
          status: { $ref: '#/components/schemas/WorkflowStatus' },
          task_queue: { type: 'string' },
          start_time: { type: 'string', format: 'date-time' },
          close_time: { type: 'string', format: 'date-time' },
          history_length: { type: 'integer' },
        },
      }),
      ...commonErrors(),
      ...uriTooLong(),
      '404': error('No such workflow execution'),
    },
  };
}

function resultOperation() {
  return {
    operationId: 'getWorkflowResult',
    summary: "A closed workflow's result (with `wait`, waits for it to close)",
    parameters: [ID_PARAM, ...queryParams(ResultQuery)],
    responses: {
      '200': json('The outcome: `result` (proto3 JSON) when COMPLETED, else `failure_message`', {
        type: 'object',
        required: ['workflow_id', 'status'],
        properties: {
          workflow_id: { type: 'string' },
          status: { $ref: '#/components/schemas/WorkflowStatus' },
          result: {},
          failure_message: { type: 'string' },
        },
      }),
      ...commonErrors(),
      ...uriTooLong(),
      '404': error('No such workflow execution'),
      '409': error('Still running (after the wait, if any)'),
    },
  };
}

function cancelOperation() {
  return {
    operationId: 'cancelWorkflow',
    summary: 'Request cancellation; the workflow decides how to wind down',
    parameters: [ID_PARAM, ...queryParams(CancelQuery)],
    requestBody: EMPTY_JSON_BODY,
    responses: {
      '202': json('Cancellation requested', { $ref: '#/components/schemas/Started' }),
      ...commonErrors(),
      ...uriTooLong(),
      '404': error('No such workflow execution'),
      '409': error('The workflow has already closed'),
      ...bodyErrors(),
    },
  };
}
