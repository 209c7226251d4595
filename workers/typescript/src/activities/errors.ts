import { ApplicationFailure } from '@temporalio/common';
import { NON_RETRYABLE_ERROR_TYPES } from '../routing.js';

/** Bad input is not retried: the same request fails the same way (routing.ts lists the type). */
export function invalidRequest(message: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: NON_RETRYABLE_ERROR_TYPES.InvalidRequest,
    message,
    nonRetryable: true,
  });
}
