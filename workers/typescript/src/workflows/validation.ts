import { ApplicationFailure } from '@temporalio/workflow';
import { NON_RETRYABLE_ERROR_TYPES } from '../routing.js';

/**
 * A request that breaks a contract rule fails the workflow at once with a named, non-retryable
 * error: rerunning the same input cannot succeed, and the caller learns which field is wrong.
 */
export function invalidRequest(message: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: NON_RETRYABLE_ERROR_TYPES.InvalidRequest,
    message,
    nonRetryable: true,
  });
}

export function requireNonEmpty(field: string, value: string): string {
  if (value.trim() === '') throw invalidRequest(`${field} must not be empty`);
  return value;
}
