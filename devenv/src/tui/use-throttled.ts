import { useEffect, useReducer } from 'react';
import type { FrameBudget } from './frame-budget.js';

/**
 * Re-renders the component when `subscribe` fires, at most once per frame: 20 fps while frames
 * are cheap, fewer when the frame budget says drawing is taking too much of the CPU.
 */
export function useThrottledRefresh(
  subscribe: (onChange: () => void) => () => void,
  budget: FrameBudget,
): void {
  const [, refresh] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    let timer: NodeJS.Timeout | undefined;
    const unsubscribe = subscribe(() => {
      timer ??= setTimeout(() => {
        timer = undefined;
        refresh();
      }, budget.nextDelay());
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [subscribe, budget]);
}
