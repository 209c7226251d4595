import type { EngineHealth } from '../runtime/engine-health.js';
import type { ServiceHandle } from '../runtime/runtime.js';
import type { HealthWatch, HealthWatchContext } from './health-watch.js';
import { FIRST_STARTING_PROBE_MS, LAST_STARTING_PROBE_MS } from './health-policy.js';
import { wakeAt } from './wake-at.js';

/** Once ready, how often the Engine's verdict is read again (its checks run every 30 s by default). */
const READY_POLL_MS = 1_000;

/**
 * Pure: the store's reading of one Engine health verdict. Healthy is ready; a check that has not
 * passed yet keeps the service starting (with what the check said); unhealthy after being ready
 * makes it unhealthy at once, since the Engine already counted its `retries`.
 */
export function probedFromEngine(health: Exclude<EngineHealth, { status: 'none' }>): {
  readonly ok: boolean;
  readonly detail: string;
} {
  return { ok: health.status === 'healthy', detail: health.detail };
}

/**
 * Follows the Engine's healthcheck verdict on a container that has one and no `x-devenv.probe`,
 * as Compose waits on it for `service_healthy`. Readiness only: like the Engine (outside Swarm),
 * devenv does not replace an unhealthy container. A container without a healthcheck is ready
 * once it runs, as before.
 */
export function watchEngineHealth(
  ctx: HealthWatchContext,
  service: string,
  engineHealth: NonNullable<ServiceHandle['engineHealth']>,
): HealthWatch {
  let ended = false;
  let wake: (() => void) | undefined;
  let cancelWake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      cancelWake = wakeAt(ctx.clock, ctx.clock.now() + ms, resolve);
    });
  const dispatch = (ok: boolean, detail: string) =>
    ctx.store.dispatch({
      type: 'service/probed',
      service,
      ok,
      detail,
      at: ctx.clock.now(),
      failureThreshold: 1,
    });

  void (async () => {
    let waitMs = FIRST_STARTING_PROBE_MS;
    let last: string | undefined;
    while (!ended) {
      const health = await engineHealth();
      if (ended) return;
      if (health?.status === 'none') {
        dispatch(true, 'running (no probe, no healthcheck)');
        return;
      }
      // The Engine did not answer: the container's own exit, if that is why, ends the watch.
      if (health !== undefined) {
        const reading = probedFromEngine(health);
        const key = `${reading.ok} ${reading.detail}`;
        if (key !== last) dispatch(reading.ok, reading.detail);
        last = key;
      }
      const ready = ctx.store.getState().services[service]?.readyAt !== undefined;
      waitMs = ready ? READY_POLL_MS : Math.min(LAST_STARTING_PROBE_MS, waitMs * 1.2);
      await sleep(waitMs);
    }
  })();

  return {
    end: () => {
      ended = true;
      cancelWake?.();
      wake?.();
    },
  };
}
