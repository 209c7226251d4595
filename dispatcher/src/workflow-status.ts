import { CancelledFailure, TerminatedFailure, TimeoutFailure } from '@temporalio/common';

/** The dispatcher.proto enum names without their prefix. */
export type WorkflowStatusName =
  | 'UNSPECIFIED'
  | 'RUNNING'
  | 'COMPLETED'
  | 'FAILED'
  | 'CANCELED'
  | 'TERMINATED'
  | 'CONTINUED_AS_NEW'
  | 'TIMED_OUT';

/** The SDK's status name as dispatcher.proto spells it. */
export function statusName(name: string): WorkflowStatusName {
  switch (name) {
    case 'CANCELLED':
      return 'CANCELED';
    case 'RUNNING':
    case 'COMPLETED':
    case 'FAILED':
    case 'TERMINATED':
    case 'CONTINUED_AS_NEW':
    case 'TIMED_OUT':
      return name;
    default:
      return 'UNSPECIFIED';
  }
}

/** How a workflow that failed with this cause closed. */
export function failureStatus(
  cause: Error | undefined,
): Exclude<WorkflowStatusName, 'COMPLETED' | 'RUNNING'> {
  if (cause instanceof CancelledFailure) return 'CANCELED';
  if (cause instanceof TerminatedFailure) return 'TERMINATED';
  if (cause instanceof TimeoutFailure) return 'TIMED_OUT';
  return 'FAILED';
}
