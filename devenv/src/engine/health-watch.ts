import type { Prober } from '../health/probe.js';
import type { ProbeSpec, ServiceSpec } from '../model/stack.js';
import type { ServiceHandle } from '../runtime/runtime.js';
import type { Clock } from './clock.js';
import { watchEngineHealth } from './engine-health-watch.js';
import { afterProbe, firstProbeCadence, repeatsLastPass } from './health-policy.js';
import type { Store } from './store.js';
import { wakeAt } from './wake-at.js';

export interface HealthWatchContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly prober: Prober;
  readonly projectDir: string;
  readonly note: (service: string, text: string) => void;
}

/** The probing of one run of a service. */
export interface HealthWatch {
  /** The run exited: no more probes, and the wait for the next one ends at once. */
  end(): void;
}

/**
 * Probes one run of a service until it ends, reporting each answer to the store; stops the run
 * when the health policy says to replace it. Without a probe, a container's healthcheck decides
 * (engine-health-watch.ts); else running counts as ready.
 */
export function watchHealth(
  ctx: HealthWatchContext,
  spec: ServiceSpec,
  handle: ServiceHandle,
): HealthWatch {
  const probe = spec.devenv.probe;
  // A container's healthcheck, as Compose waits on it; devenv's own probe, where written, rules.
  if (!probe && handle.engineHealth !== undefined)
    return watchEngineHealth(ctx, spec.name, handle.engineHealth.bind(handle));
  if (!probe) {
    ctx.store.dispatch({
      type: 'service/probed',
      service: spec.name,
      ok: true,
      detail: 'running (no probe)',
      at: ctx.clock.now(),
      failureThreshold: 1,
    });
    return { end: () => {} };
  }
  const watch = new ProbeLoop(ctx, spec, probe, handle);
  void watch.run();
  return watch;
}

class ProbeLoop implements HealthWatch {
  private ended = false;
  private wake: (() => void) | undefined;
  private cancelWake: (() => void) | undefined;
  /** The service's environment as its native process gets it, for kinds that read it. */
  private readonly environment: Readonly<Record<string, string>>;

  constructor(
    private readonly ctx: HealthWatchContext,
    private readonly spec: ServiceSpec,
    private readonly probe: ProbeSpec,
    private readonly handle: ServiceHandle,
  ) {
    this.environment = { ...spec.environment, ...spec.devenv.native?.environment };
  }

  end(): void {
    this.ended = true;
    this.cancelWake?.();
    this.wake?.();
  }

  async run(): Promise<void> {
    const { store, clock, note } = this.ctx;
    const { name } = this.spec;
    const cwd = this.spec.devenv.native?.cwd ?? this.ctx.projectDir;
    let cadence = firstProbeCadence;
    while (!this.ended) {
      const { pid, startedAt } = store.getState().services[name] ?? {};
      const outcome = await this.ctx.prober(this.probe.check, this.probe.timeoutMs, cwd, {
        pid,
        startedAt,
        environment: this.environment,
      });
      if (this.ended) return;
      if (!repeatsLastPass(store.getState().services[name], outcome))
        store.dispatch({
          type: 'service/probed',
          service: name,
          ok: outcome.ok,
          detail: outcome.detail,
          at: clock.now(),
          failureThreshold: this.probe.failureThreshold,
        });
      const service = store.getState().services[name];
      const now = clock.now();
      const next = afterProbe(cadence, service, this.probe, outcome, now);
      if (next.note !== undefined) note(name, next.note);
      if (next.kind === 'replace') {
        store.dispatch({ type: 'service/health-failed', service: name, failure: next.failure });
        note(name, `${next.failure.detail}; stopping it`);
        void this.handle.stop(this.spec.stopGracePeriodMs);
        return;
      }
      cadence = next.cadence;
      await this.sleepUntil(now + next.waitMs);
    }
  }

  private sleepUntil(at: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.cancelWake = wakeAt(this.ctx.clock, at, resolve);
    });
  }
}
