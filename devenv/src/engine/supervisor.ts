import type { ServiceSpec, Stack } from '../model/stack.js';
import type { ExitStatus, Runtime, ServiceHandle } from '../runtime/runtime.js';
import { killEndsRun, stopSignalOf } from '../runtime/signal-names.js';
import { err, ok, type Result } from '../../shared/result.js';
import { systemClock, type Clock } from './clock.js';
import { watchHealth, type HealthWatch } from './health-watch.js';
import { decideAfterExit } from './restart-policy.js';
import {
  dependantsToRestartAfterExit,
  directDependants,
  restartPlan,
} from './service-dependants.js';
import { decide } from './scheduling.js';
import { launch, type LaunchContext } from './service-launch.js';
import { initialEngineState, type EngineState } from './service-state.js';
import { createServiceTimers, type ServiceTimers } from './service-timers.js';
import { createStore, type Store } from './store.js';
import type { ServiceSignal, Supervisor, SupervisorOptions } from './supervisor-options.js';

export type { Clock } from './clock.js';
export { systemClock } from './clock.js';
export type {
  LeftoverRecorder,
  RuntimeChoice,
  ServiceLog,
  ServiceSignal,
  Supervisor,
  SupervisorOptions,
} from './supervisor-options.js';

/**
 * The effects around the pure policy: starts and stops through the runtimes, probes, and timers
 * on the injected clock. What to do after an exit, a probe or a request is decided by
 * scheduling.ts, restart-policy.ts and health-policy.ts; the reducer records it.
 */
export function createSupervisor(options: SupervisorOptions): Supervisor {
  return new EffectsSupervisor(options);
}

interface Run {
  readonly handle: ServiceHandle;
  /** Replaced when the service is unpaused (a pause ends it). */
  health: HealthWatch;
}

class EffectsSupervisor implements Supervisor {
  readonly store: Store;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly timers: ServiceTimers;
  private readonly abort: AbortController;
  private readonly launchContext: LaunchContext;
  /** The run of each service that has one. */
  private readonly runs = new Map<string, Run>();
  /** Every launch in flight, so that shutdown can wait for them (after aborting them). */
  private readonly launches = new Map<string, Promise<void>>();
  private shuttingDown: Promise<void> | undefined;
  /** What is supervised: the options' stack until `rescale` changes its instances. */
  private stack: Stack;

  constructor(private readonly options: SupervisorOptions) {
    this.stack = options.stack;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.abort = options.abort ?? new AbortController();
    this.timers = createServiceTimers(this.clock);
    this.store = createStore(initialEngineState(options.stack.startOrder), (error) =>
      this.note('devenv', `internal error in a subscriber: ${String(error)}`),
    );
    this.launchContext = {
      options,
      store: this.store,
      clock: this.clock,
      random: this.random,
      signal: this.abort.signal,
      note: (service, text) => this.note(service, text),
      requeueAt: (service, at) => this.requeueAt(service, at),
      started: (spec, runtime, handle) => this.started(spec, runtime, handle),
    };
  }

  begin(): void {
    this.store.subscribe((state) => this.onChange(state));
    this.onChange(this.state());
  }

  async restart(name: string): Promise<void> {
    const plan = restartPlan(this.state(), this.stack, name);
    if (!plan) return;
    await Promise.all(plan.stopDependants.map((d) => this.stopOne(d, false)));
    if (plan.stopService) await this.stopOne(name, false);
    for (const service of plan.requeue) this.requeue(service, 'user');
  }

  stop(name: string): Promise<void> {
    return this.stopOne(name, true);
  }

  start(name: string): void {
    this.requeue(name, 'user');
  }

  async rescale(next: Stack): Promise<void> {
    if (this.shuttingDown) return;
    const before = this.stack;
    const removed = before.startOrder.filter((name) => !next.services[name]);
    this.stack = next;
    // New instances are pending (and start) while the removed ones stop; then they are gone.
    this.store.dispatch({
      type: 'engine/instances-changed',
      order: [...next.startOrder, ...removed],
    });
    // A replica still launching is stopped once it runs, not left running untracked.
    await Promise.all(
      removed.map(async (name) => {
        await this.launches.get(name);
        await this.stopOne(name, false, before);
      }),
    );
    this.store.dispatch({ type: 'engine/instances-changed', order: next.startOrder });
  }

  shutdown(): Promise<void> {
    this.shuttingDown ??= (async () => {
      this.store.dispatch({ type: 'engine/shutting-down' });
      this.timers.cancelAll();
      // Installs and builds in flight end now; each launch then stops whatever it started.
      this.abort.abort();
      await Promise.all(this.launches.values());
      await this.stopAll();
    })();
    return this.shuttingDown;
  }

  private state(): EngineState {
    return this.store.getState();
  }

  private note(service: string, text: string): void {
    this.options.log.append(service, 'devenv', text);
  }

  private requeue(service: string, cause: 'backoff' | 'user'): void {
    this.store.dispatch({ type: 'service/requeued', service, cause });
  }

  private requeueAt(service: string, at: number): void {
    this.timers.schedule(service, at - this.clock.now(), () => this.requeue(service, 'backoff'));
  }

  private onChange(state: EngineState): void {
    for (const decision of decide(state, this.stack)) {
      const service = decision.service;
      const spec = this.stack.services[service];
      if (decision.kind === 'block') {
        this.store.dispatch({ type: 'service/blocked', service, reason: decision.reason });
        this.note(service, `blocked: ${decision.reason}`);
      } else if (!this.launches.has(service) && spec) {
        const launched = launch(this.launchContext, spec);
        this.launches.set(
          service,
          launched.finally(() => this.launches.delete(service)),
        );
      }
    }
  }

  private started(spec: ServiceSpec, runtime: Runtime, handle: ServiceHandle): void {
    const { name } = spec;
    this.options.leftovers.record(name, handle.leftover);
    this.store.dispatch({
      type: 'service/started',
      service: name,
      runtime: runtime.kind,
      pid: handle.pid,
      containerId: handle.containerId,
      at: this.clock.now(),
    });
    this.note(name, `started (${runtime.kind}${handle.pid ? `, pid ${handle.pid}` : ''})`);
    this.runs.set(name, { handle, health: this.watch(spec, handle) });
    void handle.exited.then((status) => this.onExit(spec, handle, status));
  }

  private watch(spec: ServiceSpec, handle: ServiceHandle): HealthWatch {
    const context = { ...this.launchContext, prober: this.options.prober };
    return watchHealth({ ...context, projectDir: this.stack.projectDir }, spec, handle);
  }

  async signal(name: string, request: ServiceSignal): Promise<Result<void, string>> {
    const run = this.runs.get(name);
    const spec = this.stack.services[name];
    if (!run || !spec) return err('it is not running');
    const { handle } = run;
    const wasPaused = this.state().services[name]?.paused === true;
    if (request.kind === 'kill') {
      if (!handle.signal) return err(`its runtime cannot send it signals`);
      const ends = killEndsRun(request.signal, stopSignalOf(spec));
      if (ends) this.store.dispatch({ type: 'service/killed', service: name });
      const sent = await handle.signal(request.signal);
      // As the Engine does: a paused service killed for good is resumed, to act on the signal.
      if (sent.ok && ends && wasPaused) await this.resume(name, spec, run);
      return sent;
    }
    if (request.kind === 'unpause') return wasPaused ? this.resume(name, spec, run) : ok(undefined);
    if (wasPaused) return ok(undefined);
    if (!handle.pause) return err(`its runtime cannot pause it`);
    // Its probes would fail while it is frozen, and devenv would replace it: they wait instead.
    run.health.end();
    const paused = await handle.pause();
    if (!paused.ok) run.health = this.watch(spec, handle);
    else this.store.dispatch({ type: 'service/paused', service: name, paused: true });
    return paused;
  }

  private async resume(name: string, spec: ServiceSpec, run: Run): Promise<Result<void, string>> {
    if (!run.handle.unpause) return err(`its runtime cannot unpause it`);
    const resumed = await run.handle.unpause();
    if (!resumed.ok) return resumed;
    this.store.dispatch({ type: 'service/paused', service: name, paused: false });
    run.health = this.watch(spec, run.handle);
    return resumed;
  }

  private onExit(spec: ServiceSpec, handle: ServiceHandle, status: ExitStatus): void {
    const { name } = spec;
    const run = this.runs.get(name);
    if (run?.handle === handle) {
      run.health.end();
      this.runs.delete(name);
    }
    this.options.leftovers.forget(name);
    const exit = { code: status.code, signal: status.signal, at: this.clock.now() };
    const before = this.state().services[name];
    const decision = decideAfterExit(before, spec, exit, this.state().shuttingDown, this.random());
    this.store.dispatch({
      type: 'service/exited',
      service: name,
      ...exit,
      restartAt: decision.restartAt,
    });
    this.note(name, decision.message);
    if (decision.restartAt === undefined) return;
    this.requeueAt(name, decision.restartAt);
    void this.restartDependants(name);
  }

  /**
   * Compose's `depends_on: {x: {restart: true}}`: when x goes down to come back, its dependants
   * stop now and start again once x meets their condition anew.
   */
  private async restartDependants(name: string): Promise<void> {
    const dependants = dependantsToRestartAfterExit(this.state(), this.stack, name);
    await Promise.all(
      dependants.map(async (dependant) => {
        this.note(dependant, `restarting with ${name} (depends_on: restart: true)`);
        await this.stopOne(dependant, false);
        this.requeue(dependant, 'user');
      }),
    );
  }

  private async stopOne(name: string, userRequested: boolean, stack = this.stack): Promise<void> {
    this.timers.cancel(name);
    this.store.dispatch({ type: 'service/stopping', service: name, userRequested });
    const handle = this.runs.get(name)?.handle;
    if (handle) {
      this.note(name, 'stopping');
      await handle.stop(stack.services[name]?.stopGracePeriodMs ?? 10_000);
      await handle.exited;
    }
    this.store.dispatch({ type: 'service/stopped', service: name, at: this.clock.now() });
  }

  /** Each service stops once every service that depends on it has stopped. */
  private async stopAll(): Promise<void> {
    const { stack } = this;
    const stopped = new Map<string, Promise<void>>();
    const stopAfterDependants = (name: string): Promise<void> => {
      let done = stopped.get(name);
      if (!done) {
        done = Promise.all(directDependants(stack, name).map(stopAfterDependants)).then(() =>
          this.runs.has(name) ? this.stopOne(name, false) : undefined,
        );
        stopped.set(name, done);
      }
      return done;
    };
    await Promise.all(stack.startOrder.map(stopAfterDependants));
  }
}
