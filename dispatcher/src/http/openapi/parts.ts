import { z } from 'zod';

// The pieces the OpenAPI document's operations share: responses, parameters, request bodies.

export type Responses = Record<string, unknown>;

export function json(description: string, schema: unknown) {
  return { description, content: { 'application/json': { schema } } };
}

export function error(description: string) {
  return {
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  };
}

/** Links let a stateful run (schemathesis) follow a start to the workflow's other operations. */
export function started(description: string) {
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

/** The errors every API operation may answer. */
export function commonErrors(): Responses {
  return {
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
}

/** The errors of an operation that reads a body. */
export function bodyErrors(): Responses {
  return {
    '413': error('Body larger than the limit'),
    '415': error('Content-Type that is not application/json (a form post is refused)'),
  };
}

/** An operation on a workflow ID in the path. */
export function uriTooLong(): Responses {
  return {
    '414': error('The path is longer than the router accepts (an ID far over 1000 bytes)'),
  };
}

export const ID_PARAM = {
  name: 'id',
  in: 'path',
  required: true,
  description:
    'A workflow ID: at most 1000 bytes of UTF-8 (the schema says 250 characters, which always fit).',
  schema: { type: 'string', minLength: 1, maxLength: 250 },
};

/** A POST without a body still says JSON: the Content-Type is what an HTML form cannot send. */
export const EMPTY_JSON_BODY = {
  required: true,
  description: 'Ignored: send `{}` or nothing, with `Content-Type: application/json`.',
  content: { 'application/json': { schema: {} } },
};

export function jsonBody(schemaName: string) {
  return {
    required: true,
    content: { 'application/json': { schema: { $ref: `#/components/schemas/${schemaName}` } } },
  };
}

export function plainSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  // OpenAPI documents embed schemas without their own $schema.
  delete json['$schema'];
  return json;
}

export function queryParams(schema: z.ZodObject): unknown[] {
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: 'query',
    required: false,
    schema: plainSchema(field as z.ZodType),
  }));
}
