import type { Clock } from './clock.js';

/** At most one pending timer per service (its restart after a backoff), on the injected clock. */
export interface ServiceTimers {
  /** Replaces any timer the service has. */
  schedule(service: string, ms: number, callback: () => void): void;
  cancel(service: string): void;
  cancelAll(): void;
}

export function createServiceTimers(clock: Clock): ServiceTimers {
  const timers = new Map<string, unknown>();
  const cancel = (service: string) => {
    const timer = timers.get(service);
    if (timer !== undefined) clock.clearTimeout(timer);
    timers.delete(service);
  };
  return {
    schedule: (service, ms, callback) => {
      cancel(service);
      timers.set(
        service,
        clock.setTimeout(() => {
          timers.delete(service);
          callback();
        }, ms),
      );
    },
    cancel,
    cancelAll: () => [...timers.keys()].forEach(cancel),
  };
}
