import type { Prober } from '../health/probe.js';
import type { LogStream } from '../logbus/log-record.js';
import type { ServiceSpec, Stack } from '../model/stack.js';
import type { Runtime, ServiceHandle } from '../runtime/runtime.js';
import { messageOf } from '../result.js';
import { dependantsRestartedWith, healthFailureOf, nextStartAfterExit } from './restart-policy.js';
import { decide } from './scheduling.js';
import { initialEngineState, isRunning, type EngineState } from './service-state.js';
import { createStore, type Store } from './store.js';
import type { ExitStatus, Leftover } from '../runtime/runtime.js';

export type RuntimeChoice = 'native' | 'docker' | 'auto';

/**
 * The first re-check of a starting service; the interval then grows ×1.2 up to 250 ms (or the
 * probe period when shorter). A reload is waiting on that probe, so a slow starter must not push
 * it out to seconds: a probe every 250 ms costs far less than the wait it saves.
 */
const FIRST_STARTING_PROBE_MS = 50;
const LAST_STARTING_PROBE_MS = 250;

/** Where service output and devenv's own lines about services go. */
export interface ServiceLog {
  write(service: string, stream: LogStream, chunk: Buffer): void;
  append(service: string, stream: LogStream, text: string): void;
}

/** Records what is running so a later devenv can reap it if this one is killed. */
export interface LeftoverRecorder {
  record(service: string, leftover: Leftover): void;
  forget(service: string): void;
}

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): { unref?: () => unknown };
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface SupervisorOptions {
  readonly stack: Stack;
  readonly runtimes: Partial<Record<'native' | 'docker', Runtime>>;
  readonly runtimeFor: (service: string) => RuntimeChoice;
  readonly prober: Prober;
  readonly log: ServiceLog;
  readonly leftovers: LeftoverRecorder;
  readonly clock?: Clock;
  readonly random?: () => number;
  /**
   * Aborted as shutdown begins, so that installs and image builds in flight end at once instead
   * of being waited for (up to an installer's 15 minutes); pass the same controller's signal to
   * the toolchain. The supervisor makes its own when none is given.
   */
  readonly abort?: AbortController;
}

export interface Supervisor {
  readonly store: Store;
  /** Starts supervising: services start as soon as their dependencies allow. */
  begin(): void;
  restart(service: string): Promise<void>;
  stop(service: string): Promise<void>;
  start(service: string): void;
  /** Stops everything, dependants before their dependencies; settles when all is gone. */
  shutdown(): Promise<void>;
}

/** The effects around the pure reducer: starts, probes, restarts with backoff, stops. */
export function createSupervisor(options: SupervisorOptions): Supervisor {
  const { stack, log } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const store = createStore(initialEngineState(stack.startOrder), (error) =>
    log.append('devenv', 'devenv', `internal error in a subscriber: ${String(error)}`),
  );
  const handles = new Map<string, ServiceHandle>();
  const timers = new Map<string, unknown>();
  const note = (service: string, text: string) => log.append(service, 'devenv', text);
  const state = (): EngineState => store.getState();

  const schedule = (service: string, ms: number, callback: () => void) => {
    cancel(service);
    timers.set(
      service,
      clock.setTimeout(() => {
        timers.delete(service);
        callback();
      }, ms),
    );
  };
  const cancel = (service: string) => {
    const timer = timers.get(service);
    if (timer !== undefined) clock.clearTimeout(timer);
    timers.delete(service);
  };

  const pickRuntime = async (spec: ServiceSpec): Promise<Runtime | string> => {
    const choice = options.runtimeFor(spec.name);
    const order: ('native' | 'docker')[] = choice === 'auto' ? ['native', 'docker'] : [choice];
    const reasons: string[] = [];
    for (const kind of order) {
      const runtime = options.runtimes[kind];
      if (!runtime) {
        reasons.push(`${kind}: runtime not available in this devenv`);
        continue;
      }
      const check = await runtime.check(spec);
      if (check.ok) return runtime;
      reasons.push(`${kind}: ${check.error.reason}`);
    }
    return reasons.join('; ');
  };

  /** Every launch in flight, so that shutdown can wait for them (after aborting them). */
  const launches = new Map<string, Promise<void>>();
  const abort = options.abort ?? new AbortController();

  const launch = async (name: string): Promise<void> => {
    const spec = stack.services[name];
    if (!spec) return;
    try {
      await launchOnce(spec);
    } catch (error) {
      // A bug or an unforeseen failure in a runtime: the service shows it, devenv keeps going.
      if (state().shuttingDown) return;
      const reason = `devenv could not start it: ${messageOf(error)}`;
      store.dispatch({ type: 'service/start-failed', service: name, reason, at: clock.now() });
      note(name, reason);
      scheduleRestart(spec, null);
    }
  };

  const launchOnce = async (spec: ServiceSpec) => {
    const name = spec.name;
    const runtime = await pickRuntime(spec);
    if (state().shuttingDown) return;
    if (typeof runtime === 'string') {
      store.dispatch({ type: 'service/unavailable', service: name, reason: runtime });
      note(name, `unavailable: ${runtime}`);
      return;
    }
    const started = await runtime.start(spec, {
      output: (stream, chunk) => log.write(name, stream, chunk),
      signal: abort.signal,
    });
    if (state().shuttingDown) {
      if (started.ok) await started.value.stop(spec.stopGracePeriodMs);
      return;
    }
    if (!started.ok) {
      store.dispatch({
        type: 'service/start-failed',
        service: name,
        reason: started.error,
        at: clock.now(),
      });
      note(name, `failed to start: ${started.error}`);
      scheduleRestart(spec, null);
      return;
    }
    const handle = started.value;
    handles.set(name, handle);
    options.leftovers.record(name, handle.leftover);
    store.dispatch({
      type: 'service/started',
      service: name,
      runtime: runtime.kind,
      pid: handle.pid,
      containerId: handle.containerId,
      at: clock.now(),
    });
    note(name, `started (${runtime.kind}${handle.pid ? `, pid ${handle.pid}` : ''})`);
    void watchHealth(spec, handle);
    void handle.exited.then((status) => onExit(spec, handle, status));
  };

  const onExit = (spec: ServiceSpec, handle: ServiceHandle, status: ExitStatus) => {
    const name = spec.name;
    if (handles.get(name) === handle) handles.delete(name);
    options.leftovers.forget(name);
    const before = state().services[name];
    const exitedAt = clock.now();
    const restartAt =
      before && !state().shuttingDown
        ? nextStartAfterExit(before, spec, { code: status.code, at: exitedAt }, random())
        : undefined;
    store.dispatch({
      type: 'service/exited',
      service: name,
      code: status.code,
      signal: status.signal,
      at: exitedAt,
      restartAt,
    });
    const how = status.signal ? `killed by ${status.signal}` : `exited with code ${status.code}`;
    const why = before?.healthFailure ? ` (stopped by devenv: ${before.healthFailure.detail})` : '';
    const next =
      restartAt === undefined
        ? ''
        : `; restarting in ${Math.round((restartAt - clock.now()) / 100) / 10} s (restart ${(before?.restarts ?? 0) + 1})`;
    note(name, `${how}${why}${next}`);
    if (restartAt === undefined) return;
    schedule(name, restartAt - clock.now(), () =>
      store.dispatch({ type: 'service/requeued', service: name, cause: 'backoff' }),
    );
    void restartDependants(name);
  };

  /** After a failed start: a restart if the policy wants one. */
  const scheduleRestart = (spec: ServiceSpec, code: number | null) => {
    const current = state().services[spec.name];
    if (!current || state().shuttingDown) return;
    const at = nextStartAfterExit(current, spec, { code, at: clock.now() }, random());
    if (at !== undefined)
      schedule(spec.name, at - clock.now(), () =>
        store.dispatch({ type: 'service/requeued', service: spec.name, cause: 'backoff' }),
      );
  };

  /**
   * Compose's `depends_on: {x: {restart: true}}`: when x goes down to come back, its dependants
   * stop now and start again once x meets their condition anew.
   */
  const restartDependants = async (name: string) => {
    const dependants = dependantsRestartedWith(stack, name).filter((d) => {
      const phase = state().services[d]?.phase;
      return phase !== undefined && (isRunning(phase) || phase === 'crashed');
    });
    await Promise.all(
      dependants.map(async (dependant) => {
        note(dependant, `restarting with ${name} (depends_on: restart: true)`);
        await stopOne(dependant, false);
        store.dispatch({ type: 'service/requeued', service: dependant, cause: 'user' });
      }),
    );
  };

  const watchHealth = async (spec: ServiceSpec, handle: ServiceHandle) => {
    const probe = spec.devenv.probe;
    const current = () => handles.get(spec.name) === handle;
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
      return;
    }
    let lastOk: boolean | undefined;
    let startingInterval = FIRST_STARTING_PROBE_MS;
    while (current()) {
      const outcome = await options.prober(
        probe.check,
        probe.timeoutMs,
        spec.devenv.native?.cwd ?? stack.projectDir,
      );
      if (!current()) return;
      store.dispatch({
        type: 'service/probed',
        service: spec.name,
        ok: outcome.ok,
        detail: outcome.detail,
        at: clock.now(),
        failureThreshold: probe.failureThreshold,
      });
      if (outcome.ok !== lastOk && (outcome.ok || lastOk !== undefined))
        note(
          spec.name,
          outcome.ok ? `ready: ${outcome.detail}` : `probe failing: ${outcome.detail}`,
        );
      lastOk = outcome.ok;
      const s = state().services[spec.name];
      const failure = s && healthFailureOf(s, probe, clock.now());
      if (failure) {
        store.dispatch({ type: 'service/health-failed', service: spec.name, failure });
        note(spec.name, `${failure.detail}; stopping it`);
        void handle.stop(spec.stopGracePeriodMs);
        return;
      }
      // Until first ready, ask often (like Compose's start_interval): every hop of a dependency
      // chain would otherwise wait up to a whole period after its service is up.
      const wait =
        s?.phase === 'starting' ? Math.min(probe.periodMs, startingInterval) : probe.periodMs;
      startingInterval = Math.min(probe.periodMs, LAST_STARTING_PROBE_MS, startingInterval * 1.2);
      await new Promise((resolve) => clock.setTimeout(() => resolve(undefined), wait));
    }
  };

  const onChange = (s: EngineState) => {
    for (const decision of decide(s, stack)) {
      if (decision.kind === 'block') {
        store.dispatch({
          type: 'service/blocked',
          service: decision.service,
          reason: decision.reason,
        });
        note(decision.service, `blocked: ${decision.reason}`);
      } else if (!launches.has(decision.service)) {
        const service = decision.service;
        const launched = launch(service).finally(() => launches.delete(service));
        launches.set(service, launched);
      }
    }
  };

  const stopOne = async (name: string, userRequested: boolean) => {
    cancel(name);
    store.dispatch({ type: 'service/stopping', service: name, userRequested });
    const handle = handles.get(name);
    if (handle) {
      note(name, 'stopping');
      await handle.stop(stack.services[name]?.stopGracePeriodMs ?? 10_000);
      await handle.exited;
    }
    store.dispatch({ type: 'service/stopped', service: name, at: clock.now() });
  };

  let shuttingDown: Promise<void> | undefined;

  return {
    store,
    begin: () => {
      store.subscribe(onChange);
      onChange(state());
    },
    restart: async (name) => {
      const phase = state().services[name]?.phase;
      if (phase === undefined || state().shuttingDown) return;
      const dependants = dependantsRestartedWith(stack, name).filter((d) => {
        const p = state().services[d]?.phase;
        return p !== undefined && isRunning(p);
      });
      // Dependants first, as shutdown does; all of them start again in dependency order.
      await Promise.all(dependants.map((d) => stopOne(d, false)));
      if (isRunning(phase)) await stopOne(name, false);
      for (const service of [name, ...dependants])
        store.dispatch({ type: 'service/requeued', service, cause: 'user' });
    },
    stop: (name) => stopOne(name, true),
    start: (name) => store.dispatch({ type: 'service/requeued', service: name, cause: 'user' }),
    shutdown: () => {
      shuttingDown ??= (async () => {
        store.dispatch({ type: 'engine/shutting-down' });
        for (const name of [...timers.keys()]) cancel(name);
        // Installs and builds in flight end now; each launch then stops whatever it started.
        abort.abort();
        await Promise.all(launches.values());
        const stopped = new Map<string, Promise<void>>();
        const stopAfterDependants = (name: string): Promise<void> => {
          let p = stopped.get(name);
          if (!p) {
            const dependants = stack.startOrder.filter(
              (other) => stack.services[other]?.dependsOn[name] !== undefined,
            );
            p = Promise.all(dependants.map(stopAfterDependants)).then(() =>
              handles.has(name) ? stopOne(name, false) : undefined,
            );
            stopped.set(name, p);
          }
          return p;
        };
        await Promise.all(stack.startOrder.map(stopAfterDependants));
      })();
      return shuttingDown;
    },
  };
}
