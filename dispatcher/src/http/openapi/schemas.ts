// The document's own component schemas (the request schemas come from the protos).

export const ERROR_SCHEMA = {
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
};

export const STARTED_SCHEMA = {
  type: 'object',
  required: ['workflow_id', 'run_id'],
  properties: {
    workflow_id: { type: 'string', description: '{Workflow}-{key}-{epochMs}' },
    run_id: { type: 'string' },
  },
};

export const WORKFLOW_STATUS_SCHEMA = {
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
