import type {
  ActivityExecuteInput,
  ActivityInboundCallsInterceptor,
  ActivityInterceptorsFactory,
  Next,
} from '@temporalio/worker';
import { throwIfDeferredFailure } from '../payload-converter.js';

/** An activity whose input could not be read fails at once with the converter's named type. */
export const activityPayloadGuard: ActivityInterceptorsFactory = () => ({
  inbound: {
    execute: (
      input: ActivityExecuteInput,
      next: Next<ActivityInboundCallsInterceptor, 'execute'>,
    ) => {
      throwIfDeferredFailure(input.args);
      return next(input);
    },
  },
});
