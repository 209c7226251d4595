import { status as GrpcStatus } from '@grpc/grpc-js';
import { isGrpcServiceError, QueryRejectedError } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import type { WorkflowStatusName } from './workflow-status.js';

/**
 * Why a dispatch did not happen; the HTTP and gRPC layers map each reason to a status. Expected
 * outcomes are values; only `unexpected-error` carries a thrown value (logged, never sent).
 */
export type DispatchFailure =
  /** No execution with this ID (or run). */
  | { readonly reason: 'workflow-not-found'; readonly workflowId: string }
  /** A start collided with a workflow that has this ID. */
  | { readonly reason: 'already-started'; readonly workflowId: string }
  /** The Idempotency-Key was used before for a different request. */
  | { readonly reason: 'idempotency-conflict'; readonly workflowId: string }
  /** The result was asked for without waiting (or the wait ran out) and the workflow still runs. */
  | { readonly reason: 'workflow-running'; readonly workflowId: string }
  /** Cancel of an execution that has already closed. */
  | {
      readonly reason: 'workflow-closed';
      readonly workflowId: string;
      readonly status: WorkflowStatusName;
    }
  /** The workflow has no query handler of this name. */
  | { readonly reason: 'query-not-found'; readonly workflowId: string; readonly query: string }
  /** Temporal refused the arguments (e.g. an over-long ID); the caller's fault, not a crash. */
  | { readonly reason: 'invalid-argument'; readonly detail: string }
  /** Temporal did not answer (down, restarting, or past the call's deadline). */
  | { readonly reason: 'temporal-unavailable'; readonly detail: string }
  /** Anything else: a bug or a server error; the caller logs `error` and answers 500. */
  | { readonly reason: 'unexpected-error'; readonly error: unknown };

/** gRPC codes that mean "Temporal did not answer", wherever in the cause chain they appear. */
const UNAVAILABLE_CODES = new Set<number>([
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.CANCELLED,
]);

/** Maps what the SDK threw to a failure value. Exported for testing. */
export function classify(thrown: unknown, workflowId: string): DispatchFailure {
  if (thrown instanceof WorkflowNotFoundError) return { reason: 'workflow-not-found', workflowId };
  if (thrown instanceof WorkflowExecutionAlreadyStartedError) {
    return { reason: 'already-started', workflowId };
  }
  if (thrown instanceof QueryRejectedError) {
    return { reason: 'workflow-closed', workflowId, status: 'UNSPECIFIED' };
  }
  for (let e: unknown = thrown, depth = 0; e !== undefined && depth < 5; depth++) {
    if (isGrpcServiceError(e)) {
      if (UNAVAILABLE_CODES.has(e.code)) {
        return { reason: 'temporal-unavailable', detail: e.details || e.message };
      }
      if (e.code === GrpcStatus.NOT_FOUND) return { reason: 'workflow-not-found', workflowId };
      if (e.code === GrpcStatus.INVALID_ARGUMENT) {
        return { reason: 'invalid-argument', detail: e.details || e.message };
      }
      break;
    }
    e = e instanceof Error ? e.cause : undefined;
  }
  return { reason: 'unexpected-error', error: thrown };
}
