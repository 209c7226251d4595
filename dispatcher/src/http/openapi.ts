import { operationsPaths } from './openapi/operations-paths.js';
import { reminderSections } from './openapi/reminder-paths.js';
import { ERROR_SCHEMA, STARTED_SCHEMA, WORKFLOW_STATUS_SCHEMA } from './openapi/schemas.js';
import { startSections } from './openapi/start-paths.js';
import { workflowPaths } from './openapi/workflow-paths.js';

/**
 * The OpenAPI 3.1 document, built from the same data the routes use (catalog + schemas derived
 * from the protos), so it cannot drift from them. `dispatcher/openapi.json` is this, checked in;
 * a test compares the two (`npx tsx dispatcher/src/write-openapi.ts` rewrites it).
 */
export function buildOpenApi(): Record<string, unknown> {
  const starts = startSections();
  const reminders = reminderSections();
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
    paths: {
      ...starts.paths,
      ...workflowPaths(),
      ...reminders.paths,
      ...operationsPaths(),
    },
    components: {
      schemas: {
        Error: ERROR_SCHEMA,
        Started: STARTED_SCHEMA,
        ...starts.schemas,
        ...reminders.schemas,
        WorkflowStatus: WORKFLOW_STATUS_SCHEMA,
      },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
  };
}
