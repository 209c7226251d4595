import type { EngineController } from '../../engine/engine-controller.js';
import type { EngineState } from '../../engine/service-state.js';

/**
 * Resolves once the engine has acted on its first service (spawned it, or found it blocked or
 * unavailable), or after `capMs`. `up` loads the file watcher, the control socket and /metrics
 * after that: their modules (~50 ms of CPU) would otherwise run before the first spawn, which
 * needs none of them. The cap bounds the wait when the first service waits on a tool install.
 */
export function firstServiceActedOn(
  engine: Pick<EngineController, 'getState' | 'subscribe'>,
  capMs = 1000,
): Promise<void> {
  const actedOn = (state: EngineState) =>
    Object.values(state.services).some((service) => service.phase !== 'pending');
  if (actedOn(engine.getState())) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, capMs);
    const unsubscribe = engine.subscribe((state) => {
      if (actedOn(state)) done();
    });
    function done() {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    }
  });
}
