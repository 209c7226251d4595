import type { EngineController } from '../engine/engine-controller.js';

/**
 * What the TUI may read and do: the engine controller without `attach` and `begin` (the TUI
 * starts and connects nothing). The reload banner, test-on-save, the k6 run and the Temporal panel are in
 * `getState().panels`. A remote client could implement it too, so the TUI never reaches into the
 * supervisor or the store directly.
 */
export type DevenvController = Omit<EngineController, 'attach' | 'begin' | 'logs'> & {
  readonly logs: Pick<EngineController['logs'], 'tail' | 'search' | 'subscribe'>;
};
