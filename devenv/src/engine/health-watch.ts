import type { Prober } from '../health/probe.js';
import type { ServiceSpec } from '../model/stack.js';
import type { ServiceHandle } from '../runtime/runtime.js';
import type { Clock } from './clock.js';
import { afterProbe, firstProbeCadence } from './health-policy.js';
import type { Store } from './store.js';

export interface HealthWatchContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly prober: Prober;
  readonly projectDir: string;
  readonly note: (service: string, text: string) => void;
}

/**
 * Probes one run of a service until it ends, reporting each answer to the store; stops the run
 * when the health policy says to replace it. `end()` (called when the run exits) cancels the
 * wait for the next probe at once.
 */
export function watchHealth(
  ctx: HealthWatchContext,
  spec: ServiceSpec,
  handle: ServiceHandle,
): { end(): void } {
  const { store, clock } = ctx;
  const probe = spec.devenv.probe;
  if (!probe) {
    // Nothing to ask: running counts as ready.
    store.dispatch({
      type: 'service/probed',
      service: spec.name,
      ok: true,
      detail: 'running (no probe)',
      at: clock.now(),
      failureThreshold: 1,
    });
    return { end: () => {} };
  }
  let ended = false;
  let timer: unknown;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = clock.setTimeout(resolve, ms);
    });

  const loop = async () => {
    let cadence = firstProbeCadence;
    while (!ended) {
      const cwd = spec.devenv.native?.cwd ?? ctx.projectDir;
      const outcome = await ctx.prober(probe.check, probe.timeoutMs, cwd);
      if (ended) return;
      store.dispatch({
        type: 'service/probed',
        service: spec.name,
        ok: outcome.ok,
        detail: outcome.detail,
        at: clock.now(),
        failureThreshold: probe.failureThreshold,
      });
      const next = afterProbe(
        cadence,
        store.getState().services[spec.name],
        probe,
        outcome,
        clock.now(),
      );
      if (next.note !== undefined) ctx.note(spec.name, next.note);
      if (next.kind === 'replace') {
        store.dispatch({
          type: 'service/health-failed',
          service: spec.name,
          failure: next.failure,
        });
        ctx.note(spec.name, `${next.failure.detail}; stopping it`);
        void handle.stop(spec.stopGracePeriodMs);
        return;
      }
      cadence = next.cadence;
      await sleep(next.waitMs);
    }
  };
  void loop();
  return {
    end: () => {
      ended = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      wake?.();
    },
  };
}
