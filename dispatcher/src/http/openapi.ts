import { z } from 'zod';
import { START_ENDPOINTS } from '../catalog.js';
import { jsonSchemaOf } from '../validation.js';
import { SnoozeBody } from './routes/reminders.js';
import { CancelQuery, DescribeQuery, ResultQuery } from './routes/workflows.js';

/**
 * The OpenAPI 3.1 document, built from the same data the routes use (catalog + schemas derived
 * from the protos), so it cannot drift from them. `dispatcher/openapi.json` is this, checked in;
 * a test compares the two (`npx tsx dispatcher/src/write-openapi.ts` rewrites it).
 */
export function buildOpenApi(): Record<string, unknown> {
  const schemas: Record<string, unknown> = {
    Error: {
      type: 'object',
      required: ['error', 'message', 'request_id'],
      properties: {
        error: { type: 'string', description: 'Stable kebab-case reason, e.g. invalid-input.' },
        message: { type: 'string' },
        request_id: { type: 'string', description: 'Correlates with the dispatcher logs.' },
        workflow_id: { type: 'string' },
        fields: {
          type: 'array',
          items: {
            type: 'object',
            required: ['field', 'message'],
            properties: { field: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
    Started: {
      type: 'object',
      required: ['workflow_id', 'run_id'],
      properties: {
        workflow_id: { type: 'string', description: '{Workflow}-{key}-{epochMs}' },
        run_id: { type: 'string' },
      },
    },
  };
  const error = (description: string) => ({
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  });
  const commonErrors = {
    '400': error('Invalid input: `fields` lists each rejected field'),
    '401': error(
      'Missing or wrong bearer token: DISPATCHER_TOKEN when set (every call), else devenv’s session token when devenv started the dispatcher (POST calls; `npx devenv env --token`)',
    ),
    '403': error(
      'A Host that is not a loopback name or address (nor in DISPATCHER_ALLOWED_HOSTS), or an Origin other than the dispatcher’s own',
    ),
    '429': error('Too many requests from this client'),
    '500': error('Unexpected error; `request_id` correlates with the logs'),
    '503': error('Temporal is unreachable; retry after `Retry-After` seconds'),
  };
  const paths: Record<string, unknown> = {};

  for (const e of START_ENDPOINTS) {
    const requestName = e.route.request.name;
    schemas[requestName] = jsonSchemaOf(e.route.request);
    const scalarFields = e.route.request.fields.filter(
      (f) =>
        f.fieldKind === 'scalar' ||
        (f.fieldKind === 'message' && f.message.typeName.startsWith('google.protobuf.')),
    );
    paths[e.path] = {
      post: {
        operationId: `start${e.route.type}`,
        summary: e.summary,
        // The seeds' form (`POST …?name=alice`, no body) is accepted too; it is described, not
        // declared as parameters, because a field given both ways is an error OpenAPI cannot express.
        description: `The body is the proto3 JSON of ${e.route.request.typeName} (proto field names). Instead of a body, top-level fields (${scalarFields.map((f) => f.name).join(', ')}) may be sent as query parameters (\`?${e.keyField}=…\`, with \`Content-Type: application/json\` and no body); a field given both ways is rejected. The workflow ID is \`${e.route.idPrefix}-{${e.keyField}}-{epochMs}\`.`,
        tags: [e.route.worker],
        parameters: [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description:
              'A retried request with the same key answers with the first start instead of starting again.',
            schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { $ref: `#/components/schemas/${requestName}` } },
          },
        },
        responses: {
          '201': started('Started'),
          '200': started('Already started by an earlier request with the same Idempotency-Key'),
          ...commonErrors,
          '409': error(
            'A workflow with this ID exists, or the Idempotency-Key was used for a different request',
          ),
          '413': error('Body larger than the limit'),
          '415': error('Content-Type that is not application/json (a form post is refused)'),
        },
      },
    };
  }
  // A POST without a body still says JSON: the Content-Type is what an HTML form cannot send.
  const emptyJsonBody = {
    required: true,
    description: 'Ignored: send `{}` or nothing, with `Content-Type: application/json`.',
    content: { 'application/json': { schema: {} } },
  };

  const idParam = {
    name: 'id',
    in: 'path',
    required: true,
    description:
      'A workflow ID: at most 1000 bytes of UTF-8 (the schema says 250 characters, which always fit).',
    schema: { type: 'string', minLength: 1, maxLength: 250 },
  };
  const uriTooLong = {
    '414': error('The path is longer than the router accepts (an ID far over 1000 bytes)'),
  };
  paths['/workflows/{id}'] = {
    get: {
      operationId: 'describeWorkflow',
      summary: 'State of a workflow execution',
      parameters: [idParam, ...queryParams(DescribeQuery)],
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
        ...commonErrors,
        ...uriTooLong,
        '404': error('No such workflow execution'),
      },
    },
  };
  paths['/workflows/{id}/result'] = {
    get: {
      operationId: 'getWorkflowResult',
      summary: "A closed workflow's result (with `wait`, waits for it to close)",
      parameters: [idParam, ...queryParams(ResultQuery)],
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
        ...commonErrors,
        ...uriTooLong,
        '404': error('No such workflow execution'),
        '409': error('Still running (after the wait, if any)'),
      },
    },
  };
  paths['/workflows/{id}/cancel'] = {
    post: {
      operationId: 'cancelWorkflow',
      summary: 'Request cancellation; the workflow decides how to wind down',
      parameters: [idParam, ...queryParams(CancelQuery)],
      requestBody: emptyJsonBody,
      responses: {
        '202': json('Cancellation requested', { $ref: '#/components/schemas/Started' }),
        ...commonErrors,
        ...uriTooLong,
        '404': error('No such workflow execution'),
        '409': error('The workflow has already closed'),
        '413': error('Body larger than the limit'),
        '415': error('Content-Type that is not application/json (a form post is refused)'),
      },
    },
  };
  const signalled = json('Signal sent', {
    type: 'object',
    required: ['workflow_id', 'signal'],
    properties: { workflow_id: { type: 'string' }, signal: { type: 'string' } },
  });
  const reminderErrors = {
    ...commonErrors,
    ...uriTooLong,
    '404': error('No reminder (LongTimerWorkflow) with this ID'),
  };
  schemas['SnoozeRequest'] = plainSchema(SnoozeBody);
  paths['/typescript/reminders/{id}/snooze'] = {
    post: {
      operationId: 'snoozeReminder',
      summary: 'Signal `snooze`: the reminder fires `by_ms` later',
      tags: ['typescript'],
      parameters: [idParam],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/SnoozeRequest' } } },
      },
      responses: {
        '202': signalled,
        ...reminderErrors,
        '413': error('Body larger than the limit'),
        '415': error('Content-Type that is not application/json (a form post is refused)'),
      },
    },
  };
  paths['/typescript/reminders/{id}/fire-now'] = {
    post: {
      operationId: 'fireReminderNow',
      summary: 'Signal `fireNow`: the reminder fires at once',
      tags: ['typescript'],
      parameters: [idParam],
      requestBody: emptyJsonBody,
      responses: {
        '202': signalled,
        ...reminderErrors,
        '413': error('Body larger than the limit'),
        '415': error('Content-Type that is not application/json (a form post is refused)'),
      },
    },
  };
  paths['/typescript/reminders/{id}/status'] = {
    get: {
      operationId: 'reminderStatus',
      summary: 'Query `status`: when the reminder fires, how often it was snoozed',
      tags: ['typescript'],
      parameters: [idParam],
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
        ...reminderErrors,
      },
    },
  };
  schemas['WorkflowStatus'] = {
    type: 'string',
    enum: [
      'UNSPECIFIED',
      'RUNNING',
      'COMPLETED',
      'FAILED',
      'CANCELED',
      'TERMINATED',
      'CONTINUED_AS_NEW',
      'TIMED_OUT',
    ],
  };

  const probe = (summary: string, extra: Record<string, unknown> = {}) => ({
    get: {
      summary,
      tags: ['operations'],
      security: [],
      responses: { '200': json('OK', { type: 'object' }), ...extra },
    },
  });
  paths['/healthz'] = probe('Liveness: the process is up');
  paths['/readyz'] = probe('Readiness: Temporal reachable and the namespace exists', {
    '503': error('Not ready (Temporal unreachable, or shutting down)'),
  });
  paths['/metrics'] = {
    get: {
      summary: 'Prometheus metrics',
      tags: ['operations'],
      security: [],
      responses: {
        '200': {
          description: 'Prometheus text format',
          content: { 'text/plain': { schema: { type: 'string' } } },
        },
      },
    },
  };
  paths['/openapi.json'] = probe('This document');

  return {
    openapi: '3.1.0',
    info: {
      title: 'Time Cop dispatcher',
      version: '1.0.0',
      description:
        'Starts and follows Time Cop workflows. The same operations are on gRPC (timecop.dispatcher.v1.Dispatcher). Request bodies are proto3 JSON with proto field names.',
    },
    servers: [{ url: 'http://127.0.0.1:7070' }],
    security: [{}, { bearer: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
  };
}

/** Links let a stateful run (schemathesis) follow a start to the workflow's other operations. */
function started(description: string) {
  const id = { id: '$response.body#/workflow_id' };
  return {
    ...json(description, { $ref: '#/components/schemas/Started' }),
    links: {
      describe: { operationId: 'describeWorkflow', parameters: id },
      result: { operationId: 'getWorkflowResult', parameters: id },
      cancel: { operationId: 'cancelWorkflow', parameters: id },
    },
  };
}

function json(description: string, schema: unknown) {
  return { description, content: { 'application/json': { schema } } };
}

function plainSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  // OpenAPI documents embed schemas without their own $schema.
  delete json['$schema'];
  return json;
}

function queryParams(schema: z.ZodObject): unknown[] {
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: 'query',
    required: false,
    schema: plainSchema(field as z.ZodType),
  }));
}
