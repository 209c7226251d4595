import type { EngineController } from '../../engine/engine-controller.js';
import type { EngineState, ServicePhase } from '../../engine/service-state.js';

/** Phases a service moves on from by itself: while one is in them, the stack has not settled. */
const MOVING: readonly ServicePhase[] = ['pending', 'starting', 'stopping'];

/** Every service started, finished or given up on: nothing is on its way. */
export function stackSettled(state: EngineState): boolean {
  return Object.values(state.services).every((service) => !MOVING.includes(service.phase));
}

/** One full collection that also shrinks the heap. */
export type Collect = () => void;

/**
 * V8's `gc()`, the "last-resort" flavour: the one that gives memory back (it shrinks the young
 * generation and releases the pages it frees; a regular full collection keeps them for reuse).
 * `gc` exists only under --expose-gc, and that flag on devenv's command line cost ~25 ms of
 * CPU on every start; so it is turned on just long enough to take `gc` from a new context, and
 * off again (V8's code caches are checked against the flags in force).
 */
export function v8Collect(): void {
  const v8 = process.getBuiltinModule('node:v8');
  const vm = process.getBuiltinModule('node:vm');
  let gc: (options: object) => void;
  v8.setFlagsFromString('--expose-gc');
  try {
    gc = vm.runInNewContext('gc') as typeof gc;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

/**
 * Collects once the stack has settled and stayed so, with no output either, for `quietMs`. V8
 * keeps the heap that devenv's start grew (its young generation at full size, the garbage of
 * loading ~120 modules) until allocation triggers a collection, which an idle devenv never
 * does: ~3 MB of a headless devenv's idle memory. The collection stops devenv for 46–116 ms
 * (130–233 ms with the TUI's heap) on a busy machine, so it waits for a quiet moment: a burst
 * of output would back up in the pipes meanwhile. A stack that never goes quiet is not idle
 * and keeps its heap. Once is enough: later floods grow and shrink the heap as V8 sees fit.
 * Returns the cancel, for a stop that comes first.
 */
export function collectOnceSettled(
  engine: Pick<EngineController, 'getState' | 'subscribe'>,
  outputRecords: () => number,
  collect: Collect = v8Collect,
  quietMs = 1000,
): () => void {
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
