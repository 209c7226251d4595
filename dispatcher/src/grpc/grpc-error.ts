import { status as GrpcStatus } from '@grpc/grpc-js';
import type { DispatchFailure } from '../dispatch-failure.js';
import type { FieldError } from '../validation.js';

/** A gRPC error to send: a status code and details for humans. */
export interface GrpcError {
  readonly code: GrpcStatus;
  readonly details: string;
}

export function invalid(errors: readonly FieldError[]): GrpcError {
  return {
    code: GrpcStatus.INVALID_ARGUMENT,
    details: errors
      .map((e) => (e.field === '' ? e.message : `${e.field}: ${e.message}`))
      .join('; '),
  };
}

export function fromFailure(failure: DispatchFailure, correlationId: string): GrpcError {
  switch (failure.reason) {
    case 'workflow-not-found':
      return { code: GrpcStatus.NOT_FOUND, details: `no workflow execution ${failure.workflowId}` };
    case 'query-not-found':
      return { code: GrpcStatus.NOT_FOUND, details: `no query ${failure.query}` };
    case 'already-started':
      return {
        code: GrpcStatus.ALREADY_EXISTS,
        details: `workflow ${failure.workflowId} is already started`,
      };
    case 'idempotency-conflict':
      return {
        code: GrpcStatus.ALREADY_EXISTS,
        details: `idempotency_key was already used for a different request (workflow ${failure.workflowId})`,
      };
    case 'workflow-running':
      return {
        code: GrpcStatus.FAILED_PRECONDITION,
        details: `workflow ${failure.workflowId} is still running`,
      };
    case 'workflow-closed':
      return {
        code: GrpcStatus.FAILED_PRECONDITION,
        details: `workflow ${failure.workflowId} has already closed`,
      };
    case 'invalid-argument':
      return { code: GrpcStatus.INVALID_ARGUMENT, details: failure.detail };
    case 'temporal-unavailable':
      return { code: GrpcStatus.UNAVAILABLE, details: 'Temporal is not reachable; retry later' };
    case 'unexpected-error':
      return {
        code: GrpcStatus.INTERNAL,
        details: `unexpected error (correlation id ${correlationId})`,
      };
  }
}
