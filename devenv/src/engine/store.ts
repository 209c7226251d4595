import type { EngineAction } from './actions.js';
import { reduce } from './reducer.js';
import type { EngineState } from './service-state.js';

export type Listener = (state: EngineState, actions: readonly EngineAction[]) => void;

/**
 * The single owner of engine state. `dispatch` applies actions at once; subscribers are told on
 * the next microtask, once for a whole burst, so a slow subscriber is never re-entered per action.
 */
export interface Store {
  getState(): EngineState;
  dispatch(action: EngineAction): void;
  subscribe(listener: Listener): () => void;
}

export function createStore(
  initial: EngineState,
  onListenerError: (error: unknown) => void = () => {},
): Store {
  let state = initial;
  let pending: EngineAction[] = [];
  const listeners = new Set<Listener>();

  const notify = () => {
    const actions = pending;
    pending = [];
    for (const listener of [...listeners]) {
      try {
        listener(state, actions);
      } catch (error) {
        onListenerError(error);
      }
    }
  };

  return {
    getState: () => state,
    dispatch: (action) => {
      state = reduce(state, action);
      if (pending.push(action) === 1) queueMicrotask(notify);
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
