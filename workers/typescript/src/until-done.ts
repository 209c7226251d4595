import { setTimeout as sleep } from 'node:timers/promises';
import type { PinoLogger } from './logging.js';

/**
 * Dependencies may come up a moment after us (or restart): retry with capped backoff for up to
 * a minute, logging each failure, then give up and exit non-zero so the supervisor sees it.
 */
export async function untilDone<T>(
  logger: PinoLogger,
  what: string,
  attempt: () => Promise<T>,
  signal: AbortSignal,
): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (let delay = 250; ; delay = Math.min(delay * 2, 5_000)) {
    signal.throwIfAborted();
    try {
      return await abortable(attempt(), signal);
    } catch (error) {
      if (signal.aborted || Date.now() + delay > deadline) throw error;
      logger.warn({ err: String(error), retryInMs: delay }, `could not ${what}; retrying`);
      await sleep(delay, undefined, { signal });
    }
  }
}

/** Settles with `work`, or rejects as soon as `signal` aborts (the work is left to finish alone). */
export function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
