import type { ServiceSpec } from '../model/stack.js';
import type { ExitStatus, Runtime, ServiceHandle } from '../runtime/runtime.js';
import { systemClock } from './clock.js';
import { watchHealth } from './health-watch.js';
import {
  decideAfterExit,
  dependantsToRestartAfterExit,
  directDependants,
  restartPlan,
} from './restart-policy.js';
import { decide } from './scheduling.js';
import { launch, type LaunchContext } from './service-launch.js';
import { initialEngineState, type EngineState } from './service-state.js';
import { createServiceTimers } from './service-timers.js';
import { createStore } from './store.js';
import type { Supervisor, SupervisorOptions } from './supervisor-options.js';

export type { Clock } from './clock.js';
export { systemClock } from './clock.js';
export type {
  LeftoverRecorder,
  RuntimeChoice,
  ServiceLog,
  Supervisor,
  SupervisorOptions,
} from './supervisor-options.js';

/**
 * The effects around the pure policy: starts and stops through the runtimes, probes, and timers
 * on the injected clock. What to do after an exit, a probe or a request is decided by
 * scheduling.ts, restart-policy.ts and health-policy.ts; the reducer records it.
 */
export function createSupervisor(options: SupervisorOptions): Supervisor {
  const { stack, log } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const store = createStore(initialEngineState(stack.startOrder), (error) =>
    log.append('devenv', 'devenv', `internal error in a subscriber: ${String(error)}`),
  );
  const handles = new Map<string, ServiceHandle>();
  const healthWatches = new Map<string, { end(): void }>();
  const timers = createServiceTimers(clock);
  const note = (service: string, text: string) => log.append(service, 'devenv', text);
  const state = (): EngineState => store.getState();
  const requeue = (service: string, cause: 'backoff' | 'user') =>
    store.dispatch({ type: 'service/requeued', service, cause });
  const requeueAt = (service: string, at: number) =>
    timers.schedule(service, at - clock.now(), () => requeue(service, 'backoff'));

  /** Every launch in flight, so that shutdown can wait for them (after aborting them). */
  const launches = new Map<string, Promise<void>>();
  const abort = options.abort ?? new AbortController();

  const started = (spec: ServiceSpec, runtime: Runtime, handle: ServiceHandle) => {
    const name = spec.name;
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
    const healthContext = {
      store,
      clock,
      prober: options.prober,
      projectDir: stack.projectDir,
      note,
    };
    healthWatches.set(name, watchHealth(healthContext, spec, handle));
    void handle.exited.then((status) => onExit(spec, handle, status));
  };
  const launchContext: LaunchContext = {
    options,
    store,
    clock,
    random,
    signal: abort.signal,
    note,
    requeueAt,
    started,
  };

  const onExit = (spec: ServiceSpec, handle: ServiceHandle, status: ExitStatus) => {
    const name = spec.name;
    if (handles.get(name) === handle) {
      handles.delete(name);
      healthWatches.get(name)?.end();
      healthWatches.delete(name);
    }
    options.leftovers.forget(name);
    const exit = { code: status.code, signal: status.signal, at: clock.now() };
    const before = state().services[name];
    const decision = decideAfterExit(before, spec, exit, state().shuttingDown, random());
    store.dispatch({
      type: 'service/exited',
      service: name,
      ...exit,
      restartAt: decision.restartAt,
    });
    note(name, decision.message);
    if (decision.restartAt === undefined) return;
    requeueAt(name, decision.restartAt);
    void restartDependants(name);
  };

  /**
   * Compose's `depends_on: {x: {restart: true}}`: when x goes down to come back, its dependants
   * stop now and start again once x meets their condition anew.
   */
  const restartDependants = async (name: string) => {
    await Promise.all(
      dependantsToRestartAfterExit(state(), stack, name).map(async (dependant) => {
        note(dependant, `restarting with ${name} (depends_on: restart: true)`);
        await stopOne(dependant, false);
        requeue(dependant, 'user');
      }),
    );
  };

  const onChange = (s: EngineState) => {
    for (const decision of decide(s, stack)) {
      const service = decision.service;
      if (decision.kind === 'block') {
        store.dispatch({ type: 'service/blocked', service, reason: decision.reason });
        note(service, `blocked: ${decision.reason}`);
      } else if (!launches.has(service) && stack.services[service]) {
        const launched = launch(launchContext, stack.services[service]);
        launches.set(
          service,
          launched.finally(() => launches.delete(service)),
        );
      }
    }
  };

  const stopOne = async (name: string, userRequested: boolean) => {
    timers.cancel(name);
    store.dispatch({ type: 'service/stopping', service: name, userRequested });
    const handle = handles.get(name);
    if (handle) {
      note(name, 'stopping');
      await handle.stop(stack.services[name]?.stopGracePeriodMs ?? 10_000);
      await handle.exited;
    }
    store.dispatch({ type: 'service/stopped', service: name, at: clock.now() });
  };

  /** Each service stops once every service that depends on it has stopped. */
  const stopAll = async () => {
    const stopped = new Map<string, Promise<void>>();
    const stopAfterDependants = (name: string): Promise<void> => {
      let done = stopped.get(name);
      if (!done) {
        done = Promise.all(directDependants(stack, name).map(stopAfterDependants)).then(() =>
          handles.has(name) ? stopOne(name, false) : undefined,
        );
        stopped.set(name, done);
      }
      return done;
    };
    await Promise.all(stack.startOrder.map(stopAfterDependants));
  };

  let shuttingDown: Promise<void> | undefined;

  return {
    store,
    begin: () => {
      store.subscribe(onChange);
      onChange(state());
    },
    restart: async (name) => {
      const plan = restartPlan(state(), stack, name);
      if (!plan) return;
      await Promise.all(plan.stopDependants.map((d) => stopOne(d, false)));
      if (plan.stopService) await stopOne(name, false);
      for (const service of plan.requeue) requeue(service, 'user');
    },
    stop: (name) => stopOne(name, true),
    start: (name) => requeue(name, 'user'),
    shutdown: () => {
      shuttingDown ??= (async () => {
        store.dispatch({ type: 'engine/shutting-down' });
        timers.cancelAll();
        // Installs and builds in flight end now; each launch then stops whatever it started.
        abort.abort();
        await Promise.all(launches.values());
        await stopAll();
      })();
      return shuttingDown;
    },
  };
}
