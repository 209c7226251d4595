import type { EngineController } from '../../engine/engine-controller.js';
import type { EngineState, ServicePhase } from '../../engine/service-state.js';

/** Phases a service moves on from by itself: while one is in them, the stack has not settled. */
const MOVING: readonly ServicePhase[] = ['pending', 'starting', 'stopping'];

/** Every service started, finished or given up on: nothing is on its way. */
export function stackSettled(state: EngineState): boolean {
  return Object.values(state.services).every((service) => !MOVING.includes(service.phase));
}

/** One full collection that also shrinks the heap: V8's `gc()` under `--expose-gc`. */
export type Collect = () => void;

/**
 * `gc()` when devenv runs with `--expose-gc` (its #! line); undefined otherwise. The
 * "last-resort" flavour is the one that gives memory back: it shrinks the young generation
 * and releases the pages it frees, where a regular full collection keeps them for reuse.
 */
export function exposedCollect(): Collect | undefined {
  const gc = (globalThis as { gc?: (options: object) => void }).gc;
  if (typeof gc !== 'function') return undefined;
  return () => gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

/**
 * Collects once the stack has settled and stayed so, with no output either, for `quietMs`. V8
 * keeps the heap that devenv's start grew (its young generation at full size, the garbage of
 * loading ~120 modules) until allocation triggers a collection, which an idle devenv never
 * does: ~3 MB of a headless devenv's idle memory. The collection stops devenv for 50–120 ms
 * (130–230 ms with the TUI's heap) on a busy machine, so it waits for a quiet moment: a burst
 * of output would back up in the pipes meanwhile. A stack that never goes quiet is not idle
 * and keeps its heap. Once is enough: later floods grow and shrink the heap as V8 sees fit.
 * Returns the cancel, for a stop that comes first.
 */
export function collectOnceSettled(
  engine: Pick<EngineController, 'getState' | 'subscribe'>,
  outputRecords: () => number,
  collect: Collect | undefined = exposedCollect(),
  quietMs = 1000,
): () => void {
  if (collect === undefined) return () => undefined;
  let timer: NodeJS.Timeout | undefined;
  let recordsWhenArmed = 0;
  const arm = () => {
    recordsWhenArmed = outputRecords();
    timer = setTimeout(fire, quietMs).unref();
  };
  const fire = () => {
    // Output came during the wait: a new wait begins from now.
    if (outputRecords() !== recordsWhenArmed) return arm();
    unsubscribe();
    collect();
  };
  const check = () => {
    const settled = stackSettled(engine.getState());
    if (settled && timer === undefined) arm();
    if (!settled && timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
  };
  const unsubscribe = engine.subscribe(check);
  check();
  return () => {
    unsubscribe();
    clearTimeout(timer);
  };
}
