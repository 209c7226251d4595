import type { FastifyReply } from 'fastify';
import type { DispatchFailure } from '../dispatch-failure.js';
import type { FieldError } from '../validation.js';

/**
 * Every error the HTTP API sends: `{error, message, request_id, fields?}`. `error` is a stable,
 * kebab-case reason clients can switch on; `message` is for humans. Never a stack trace.
 */
export interface ApiErrorBody {
  readonly error: string;
  readonly message: string;
  readonly request_id: string;
  readonly fields?: readonly FieldError[];
  readonly workflow_id?: string;
}

/** An error a route decided on, with its status and any headers (Retry-After, Allow…). */
export interface ApiError {
  readonly status: number;
  readonly error: string;
  readonly message: string;
  readonly fields?: readonly FieldError[];
  readonly workflowId?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Seconds a client should wait before retrying while Temporal is unreachable. */
export const RETRY_AFTER_S = 2;

export function invalidInput(fields: readonly FieldError[]): ApiError {
  const list = fields.map((f) => (f.field === '' ? f.message : `${f.field}: ${f.message}`));
  return {
    status: 400,
    error: 'invalid-input',
    message: list.join('; ') || 'invalid input',
    fields,
  };
}

export function fromDispatchFailure(failure: DispatchFailure): ApiError {
  switch (failure.reason) {
    case 'workflow-not-found':
      return aboutWorkflow(404, failure, `no workflow execution ${failure.workflowId}`);
    case 'already-started':
      return aboutWorkflow(409, failure, `workflow ${failure.workflowId} is already started`);
    case 'idempotency-conflict':
      return aboutWorkflow(
        409,
        failure,
        `the Idempotency-Key was already used for a different request (workflow ${failure.workflowId})`,
      );
    case 'workflow-running':
      return {
        ...aboutWorkflow(
          409,
          failure,
          `workflow ${failure.workflowId} is still running; ask with ?wait=<seconds> to wait for it`,
        ),
        headers: { 'retry-after': '1' },
      };
    case 'workflow-closed':
      return aboutWorkflow(
        409,
        failure,
        `workflow ${failure.workflowId} has already closed (${failure.status})`,
      );
    case 'query-not-found':
      return aboutWorkflow(
        404,
        failure,
        `workflow ${failure.workflowId} has no query ${failure.query}`,
      );
    case 'invalid-argument':
      return {
        status: 400,
        error: failure.reason,
        message: `Temporal rejected the request: ${failure.detail}`,
      };
    case 'temporal-unavailable':
      return {
        status: 503,
        error: failure.reason,
        message: 'Temporal is not reachable; retry later',
        headers: { 'retry-after': String(RETRY_AFTER_S) },
      };
    case 'unexpected-error':
      return internalError();
  }
}

/** A failure about one workflow: its reason as the error, its ID in the body. */
function aboutWorkflow(
  status: number,
  failure: Extract<DispatchFailure, { readonly workflowId: string }>,
  message: string,
): ApiError {
  return { status, error: failure.reason, message, workflowId: failure.workflowId };
}

export function internalError(): ApiError {
  return {
    status: 500,
    error: 'internal-error',
    message: 'an unexpected error occurred; quote the request_id when reporting it',
  };
}

export function sendError(reply: FastifyReply, e: ApiError): FastifyReply {
  const body: ApiErrorBody = {
    error: e.error,
    message: e.message,
    request_id: String(reply.request.id),
    ...(e.fields ? { fields: e.fields } : {}),
    ...(e.workflowId ? { workflow_id: e.workflowId } : {}),
  };
  if (e.headers) void reply.headers(e.headers);
  return reply.code(e.status).type('application/json; charset=utf-8').send(body);
}
