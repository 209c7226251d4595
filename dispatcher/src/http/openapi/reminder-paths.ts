import { SnoozeBody } from '../routes/reminders.js';
import {
  bodyErrors,
  commonErrors,
  EMPTY_JSON_BODY,
  error,
  ID_PARAM,
  json,
  jsonBody,
  plainSchema,
  uriTooLong,
  type Responses,
} from './parts.js';

/** The reminder's signal and query routes, and the snooze body's schema. */
export function reminderSections(): {
  paths: Record<string, unknown>;
  schemas: Record<string, unknown>;
} {
  return {
    schemas: { SnoozeRequest: plainSchema(SnoozeBody) },
    paths: {
      '/typescript/reminders/{id}/snooze': {
        post: signalOperation({
          operationId: 'snoozeReminder',
          summary: 'Signal `snooze`: the reminder fires `by_ms` later',
          requestBody: jsonBody('SnoozeRequest'),
        }),
      },
      '/typescript/reminders/{id}/fire-now': {
        post: signalOperation({
          operationId: 'fireReminderNow',
          summary: 'Signal `fireNow`: the reminder fires at once',
          requestBody: EMPTY_JSON_BODY,
        }),
      },
      '/typescript/reminders/{id}/status': { get: statusOperation() },
    },
  };
}

function reminderErrors(): Responses {
  return {
    ...commonErrors(),
    ...uriTooLong(),
    '404': error('No reminder (LongTimerWorkflow) with this ID'),
  };
}

function signalOperation(operation: {
  operationId: string;
  summary: string;
  requestBody: unknown;
}) {
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    tags: ['typescript'],
    parameters: [ID_PARAM],
    requestBody: operation.requestBody,
    responses: {
      '202': json('Signal sent', {
        type: 'object',
        required: ['workflow_id', 'signal'],
        properties: { workflow_id: { type: 'string' }, signal: { type: 'string' } },
      }),
      ...reminderErrors(),
      ...bodyErrors(),
    },
  };
}

function statusOperation() {
  return {
    operationId: 'reminderStatus',
    summary: 'Query `status`: when the reminder fires, how often it was snoozed',
    tags: ['typescript'],
    parameters: [ID_PARAM],
    responses: {
      '200': json('The reminder', {
        type: 'object',
        required: ['workflow_id', 'label', 'fires_at', 'snoozes', 'fired'],
        properties: {
          workflow_id: { type: 'string' },
          label: { type: 'string' },
          fires_at: { type: 'string', format: 'date-time' },
          snoozes: { type: 'integer' },
          fired: { type: 'boolean' },
        },
      }),
      ...reminderErrors(),
    },
  };
}
