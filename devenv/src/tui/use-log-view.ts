import { useCallback, useRef } from 'react';
import { LEVEL_RANK } from '../logbus/log-level.js';
import type { LogRecord } from '../logbus/log-record.js';
import type { DevenvController } from './controller.js';
import type { FrameBudget } from './frame-budget.js';
import { useThrottledRefresh } from './use-throttled.js';
import { LEVELS } from './view-state.js';

const LOG_BUFFER = 5_000;

/**
 * The records the log pane shows: the newest LOG_BUFFER lines of one service (or all), followed
 * live unless paused, filtered by level. Re-renders at most once per frame under a flood.
 */
export function useLogView(
  controller: DevenvController,
  budget: FrameBudget,
  options: {
    readonly target: string | undefined;
    readonly paused: boolean;
    readonly level: number;
  },
): readonly LogRecord[] {
  // The buffer lives outside React state: a flood appends without re-rendering per line.
  const records = useRef<LogRecord[]>([]);
  const pausedRef = useRef(options.paused);
  pausedRef.current = options.paused;
  const { target } = options;
  const subscribeLogs = useCallback(
    (onChange: () => void) => {
      records.current = controller.logs.tail(target, { limit: LOG_BUFFER });
      onChange();
      return controller.logs.subscribe(target === undefined ? {} : { service: target }, (batch) => {
        if (pausedRef.current) return;
        // Appends in place and trims once the buffer is twice its size: O(batch) per batch, not a
        // copy of the whole buffer, which under a flood would cost more than the stack's logging.
        const buffer = records.current;
        for (const record of batch) buffer.push(record);
        if (buffer.length > 2 * LOG_BUFFER) records.current = buffer.slice(-LOG_BUFFER);
        onChange();
      });
    },
    [controller, target],
  );
  useThrottledRefresh(subscribeLogs, budget);

  const minLevel = LEVELS[options.level];
  const recent =
    records.current.length > LOG_BUFFER ? records.current.slice(-LOG_BUFFER) : records.current;
  return minLevel
    ? recent.filter((r) => r.level === undefined || LEVEL_RANK[r.level] >= LEVEL_RANK[minLevel])
    : recent;
}
