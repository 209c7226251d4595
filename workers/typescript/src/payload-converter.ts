/**
 * The worker's `payloadConverterPath`: protos/ts/payload-converter.ts, except that a payload it
 * cannot read becomes a DeferredPayloadFailure value instead of an exception.
 *
 * Why: the SDK decodes a workflow's arguments before any workflow code runs, outside the
 * workflow's promise chain, so an exception there fails the workflow *task*, which the server
 * retries forever with the same bytes. Deferred, the failure reaches our inbound interceptors
 * (interceptors/payload-guard.ts, and the activity one in activity-guard.ts), which throw it
 * where it fails the workflow (or the activity) with the converter's named, non-retryable type.
 */
import type { Payload, PayloadConverter } from '@temporalio/common';
import { ApplicationFailure } from '@temporalio/common';
import { createPayloadConverter } from '../../../protos/ts/payload-converter.js';

const BRAND = Symbol.for('time-cop.deferred-payload-failure');

export interface DeferredPayloadFailure {
  readonly [BRAND]: true;
  readonly failure: ApplicationFailure;
}

export function isDeferredPayloadFailure(value: unknown): value is DeferredPayloadFailure {
  return typeof value === 'object' && value !== null && BRAND in value;
}

/** Throws the first deferred failure among decoded arguments, if any. */
export function throwIfDeferredFailure(args: readonly unknown[]): void {
  for (const arg of args) if (isDeferredPayloadFailure(arg)) throw arg.failure;
}

export function deferringFailures(inner: PayloadConverter): PayloadConverter {
  return {
    toPayload: (value) => inner.toPayload(value),
    fromPayload<T>(payload: Payload): T {
      try {
        return inner.fromPayload<T>(payload);
      } catch (error) {
        if (!(error instanceof ApplicationFailure) || !error.nonRetryable) throw error;
        return { [BRAND]: true, failure: error } satisfies DeferredPayloadFailure as T;
      }
    },
  };
}

export const payloadConverter: PayloadConverter = deferringFailures(createPayloadConverter());
