/**
 * Workflow interceptor module (sandbox): turns an argument the payload converter could not read
 * (payload-converter.ts) into a workflow failure with the converter's type, e.g.
 * CorruptProtobufPayload, instead of a workflow task that fails forever. Signals with such
 * arguments are dropped with a warning: failing the whole workflow for one bad signal would let
 * any client kill it.
 */
import {
  log,
  type Next,
  type SignalInput,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import { isDeferredPayloadFailure, throwIfDeferredFailure } from '../payload-converter.js';

class PayloadGuardInbound implements WorkflowInboundCallsInterceptor {
  async execute(
    input: WorkflowExecuteInput,
    next: Next<WorkflowInboundCallsInterceptor, 'execute'>,
  ): Promise<unknown> {
    throwIfDeferredFailure(input.args);
    return next(input);
  }

  async handleSignal(
    input: SignalInput,
    next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>,
  ): Promise<void> {
    const bad = input.args.find(isDeferredPayloadFailure);
    if (bad) {
      log.warn('dropped a signal whose payload could not be read', {
        signal: input.signalName,
        failure: bad.failure.message,
        type: bad.failure.type,
      });
      return;
    }
    return next(input);
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [new PayloadGuardInbound()],
});
