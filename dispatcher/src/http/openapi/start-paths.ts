import { START_ENDPOINTS, type StartEndpoint } from '../../catalog.js';
import { jsonSchemaOf } from '../../validation.js';
import { bodyErrors, commonErrors, error, jsonBody, started } from './parts.js';

/** One POST per startable workflow, and its request's schema (derived from the proto). */
export function startSections(): {
  paths: Record<string, unknown>;
  schemas: Record<string, unknown>;
} {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const e of START_ENDPOINTS) {
    schemas[e.route.request.name] = jsonSchemaOf(e.route.request);
    paths[e.path] = { post: startOperation(e) };
  }
  return { paths, schemas };
}

function startOperation(e: StartEndpoint) {
  return {
    operationId: `start${e.route.type}`,
    summary: e.summary,
    // The seeds' form (`POST …?name=alice`, no body) is accepted too; it is described, not
    // declared as parameters, because a field given both ways is an error OpenAPI cannot express.
    description: `The body is the proto3 JSON of ${e.route.request.typeName} (proto field names). Instead of a body, top-level fields (${queryFieldNames(e).join(', ')}) may be sent as query parameters (\`?${e.keyField}=…\`, with \`Content-Type: application/json\` and no body); a field given both ways is rejected. The workflow ID is \`${e.route.idPrefix}-{${e.keyField}}-{epochMs}\`.`,
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
    requestBody: jsonBody(e.route.request.name),
    responses: {
      '201': started('Started'),
      '200': started('Already started by an earlier request with the same Idempotency-Key'),
      ...commonErrors(),
      '409': error(
        'A workflow with this ID exists, or the Idempotency-Key was used for a different request',
      ),
      ...bodyErrors(),
    },
  };
}

/** The request's top-level fields a query parameter can carry: scalars and well-known types. */
function queryFieldNames(e: StartEndpoint): string[] {
  return e.route.request.fields
    .filter(
      (f) =>
        f.fieldKind === 'scalar' ||
        (f.fieldKind === 'message' && f.message.typeName.startsWith('google.protobuf.')),
    )
    .map((f) => f.name);
}
