import type { TemporalSource } from '../engine/engine-controller.js';
import type { Stack } from '../model/stack.js';
import type { TemporalOverview } from './temporal-overview.js';
import type { WatchOptions } from './temporal-watch.js';

/** The Temporal panel's source: polls the stack's Temporal when it has one (else reports nothing). */
export async function watchStackTemporal(
  stack: Stack,
  options: WatchOptions = {},
): Promise<TemporalSource & { close(): void }> {
  const { temporalTargetOf } = await import('./temporal-overview.js');
  const target = temporalTargetOf(stack);
  let latest: TemporalOverview | undefined;
  const listeners = new Set<() => void>();
  const stop = target
    ? (await import('./temporal-watch.js')).watchTemporal(
        target,
        (overview) => {
          latest = overview;
          for (const listener of listeners) listener();
        },
        options,
      )
    : () => {};
  return {
    latest: () => latest,
    subscribe: (onChange: () => void) => {
      listeners.add(onChange);
      return () => void listeners.delete(onChange);
    },
    close: stop,
  };
}
