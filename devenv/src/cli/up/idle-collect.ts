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
 * Collects once the stack has settled and stayed so for `quietMs`. V8 keeps the heap that
 * devenv's start grew (its young generation at full size, the garbage of loading ~120 modules)
 * until allocation triggers a collection, which an idle devenv never does: ~4 MB of a headless
 * devenv's idle 64–71 MB. Once is enough; a log flood later grows and shrinks the heap as V8
 * sees fit. Returns the cancel, for a stop that comes first.
 */
export function collectOnceSettled(
  engine: Pick<EngineController, 'getState' | 'subscribe'>,
  collect: Collect | undefined = exposedCollect(),
  quietMs = 1000,
): () => void {
  if (collect === undefined) return () => undefined;
  let timer: NodeJS.Timeout | undefined;
  const check = () => {
    const settled = stackSettled(engine.getState());
    if (settled && timer === undefined) timer = setTimeout(run, quietMs).unref();
    if (!settled && timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
  };
  const unsubscribe = engine.subscribe(check);
  function run() {
    unsubscribe();
    collect!();
  }
  check();
  return () => {
    unsubscribe();
    clearTimeout(timer);
  };
}
