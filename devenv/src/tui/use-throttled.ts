import { useEffect, useReducer } from 'react';

/** Re-renders the component when `subscribe` fires, at most once per `intervalMs` (20 fps by default). */
export function useThrottledRefresh(
  subscribe: (onChange: () => void) => () => void,
  intervalMs = 50,
): void {
  const [, refresh] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    let timer: NodeJS.Timeout | undefined;
    const unsubscribe = subscribe(() => {
      timer ??= setTimeout(() => {
        timer = undefined;
        refresh();
      }, intervalMs);
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [subscribe, intervalMs]);
}
