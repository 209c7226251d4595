import type { ScaleChange } from '../engine/engine-controller.js';
import {
  initialServiceState,
  isRunning,
  type EngineState,
  type ServiceState,
} from '../engine/service-state.js';
import type { Store } from '../engine/store.js';
import type { ServiceSignal } from '../engine/supervisor-options.js';
import { err, ok, type Result } from '../../shared/result.js';
import { execTargetOf } from './exec-target.js';
import type {
  ActionAnswer,
  ActRequest,
  ExecTarget,
  ServiceList,
  ServiceResult,
  StateAnswer,
} from './protocol.js';
import type { ScaleAnswer, ScaleRequest } from './scale-protocol.js';
import { signalServices } from './signal-actions.js';
import type { SignalAnswer, SignalRequest } from './signal-protocol.js';
import { waitForExits } from './wait-actions.js';
import { createWatchActions } from './events-actions.js';
import type { ServiceEvent } from './events-derive.js';
import type { WatchRequest } from './events-protocol.js';
import type { StatsAnswer } from './stats-protocol.js';
import type { WaitAnswer, WaitRequest } from './wait-protocol.js';
import { requestedResult, settledResult, timedOutResult } from './service-outcome.js';

/** What the control socket may read and do: the supervisor of `devenv up` provides it. */
export interface ControlTarget {
  readonly projectName: string;
  readonly store: Pick<Store, 'getState' | 'subscribe'>;
  restart(service: string): Promise<void>;
  stop(service: string): Promise<void>;
  start(service: string): void;
  /** Says in the service's log that someone asked for this (the TUI shows why it restarted). */
  note?(service: string, text: string): void;
  /** Compose's `depends_on: {x: {restart: true}}`: the services that restart along with `service`. */
  restartsAlong?(service: string): readonly string[];
  /**
   * Called when an action's services have settled, before the answer goes out: `up` writes
   * `.devenv/state.json` then, so a `devenv ps` right after `devenv restart` sees the new pid.
   */
  settled?(): void;
  /** A native service's working directory, for `devenv exec`. */
  workingDirOf?(service: string): string | undefined;
  /** A replicated service's instances (`worker` → `worker-1`, `worker-2`), for its name. */
  instancesOf?(service: string): readonly string[] | undefined;
  /** `devenv scale`: the replicas added and removed, or why the count cannot run. */
  scale?(service: string, replicas: number): Promise<Result<ScaleChange, string>>;
  /** `devenv kill|pause|unpause` of a running service (Supervisor.signal). */
  readonly signal?:
    ((service: string, request: ServiceSignal) => Promise<Result<void, string>>) | undefined;
}

export type ActProblem =
  | {
      readonly reason: 'unknown-service';
      readonly unknown: readonly string[];
      readonly services: readonly string[];
    }
  | { readonly reason: 'shutting-down' };

export interface ControlActions {
  list(): ServiceList;
  /** GET /state: the engine state as it is now, for `devenv ps`. */
  state(): StateAnswer;
  act(request: ActRequest): Promise<Result<ActionAnswer, ActProblem>>;
  execTarget(service: string): Result<ExecTarget, ActProblem & { reason: 'unknown-service' }>;
  scale(request: ScaleRequest): Promise<Result<ScaleAnswer, ScaleProblem>>;
  signal(request: SignalRequest): Promise<Result<SignalAnswer, ActProblem>>;
  /** `devenv wait`: answers once every named service's run has ended. */
  wait(request: WaitRequest): Promise<Result<WaitAnswer, ActProblem>>;
  /** `devenv events`: what to follow, once the names are known. */
  events(request: WatchRequest): Result<EventStream, ActProblem>;
  /** `devenv stats`: one sample of each running instance named (all when none are). */
  stats(request: WatchRequest): Promise<Result<StatsAnswer, ActProblem>>;
}

export interface EventStream {
  /** Sends each event until the stack has stopped, then ends; returns the unsubscribe. */
  follow(send: (event: ServiceEvent) => void, end: () => void): () => void;
}

export type ScaleProblem =
  { readonly reason: 'refused'; readonly message: string } | { readonly reason: 'shutting-down' };

/**
 * Applies restart/stop/start as the TUI keys do, to one service or several: stops go dependants
 * first, starts come back in dependency order. Changes run one request at a time, so two
 * terminals cannot interleave a stop and a start of one service; waiting for readiness happens
 * outside that queue.
 */
export function createControlActions(target: ControlTarget): ControlActions {
  let queue: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  };

  const { feed, ...watch } = createWatchActions(target, (names) => instancesNamed(target, names));

  return {
    list: () => listServices(target),
    state: () => ({ project: target.projectName, state: target.store.getState() }),
    ...watch,
    execTarget: (name) => {
      const state = target.store.getState();
      const service = Object.hasOwn(state.services, name) ? state.services[name] : undefined;
      if (!service)
        return err({ reason: 'unknown-service', unknown: [name], services: state.order });
      return ok(execTargetOf(service, target.workingDirOf?.(name)));
    },
    scale: (request) => scaleService(target, oneAtATime, request),
    signal: async (request) => {
      const order = instancesNamed(target, request.services);
      if (!order.ok) return order;
      if (request.action === 'kill') feed.killed(order.value, request.signal);
      const answer = await oneAtATime(() => signalServices(target, order.value, request));
      target.settled?.();
      return ok(answer);
    },
    wait: async (request) => {
      const order = instancesNamed(target, request.services);
      return order.ok ? ok(await waitForExits(target.store, order.value)) : order;
    },
    act: async (request) => {
      const state = target.store.getState();
      if (state.shuttingDown) return err({ reason: 'shutting-down' });
      const named = replicasOf(target, state, request.services);
      const unknown = named.filter((name) => !Object.hasOwn(state.services, name));
      if (unknown.length > 0)
        return err({ reason: 'unknown-service', unknown, services: state.order });
      const wanted = new Set(named);
      const order = state.order.filter((name) => wanted.has(name));
      const before: Snapshot = new Map(order.map((name) => [name, state.services[name]!]));

      await oneAtATime(() => applyAction(target, request, order));

      const results =
        request.wait || request.action === 'stop'
          ? await settle(target.store, request, before)
          : requestedResults(target, request, before);
      target.settled?.();
      return ok({
        action: request.action,
        results: Object.fromEntries(order.map((name) => [name, results.get(name)!])),
      });
    },
  };
}

type Snapshot = ReadonlyMap<string, ServiceState>;

/** The running stack's instances the names stand for, in start order; or why not. */
function instancesNamed(
  target: ControlTarget,
  names: readonly string[],
): Result<readonly string[], ActProblem> {
  const state = target.store.getState();
  if (state.shuttingDown) return err({ reason: 'shutting-down' });
  const named = replicasOf(target, state, names);
  const unknown = named.filter((name) => !Object.hasOwn(state.services, name));
  if (unknown.length > 0) return err({ reason: 'unknown-service', unknown, services: state.order });
  return ok(state.order.filter((name) => named.includes(name)));
}

/** The names as given, a replicated service's name standing for all its replicas. */
function replicasOf(
  target: ControlTarget,
  state: EngineState,
  names: readonly string[],
): readonly string[] {
  const expanded = names.flatMap((name) =>
    Object.hasOwn(state.services, name) ? [name] : (target.instancesOf?.(name) ?? [name]),
  );
  return [...new Set(expanded)];
}

/** Scales a service through the target, then waits (if asked) for the replicas it added. */
async function scaleService(
  target: ControlTarget,
  oneAtATime: <T>(work: () => Promise<T>) => Promise<T>,
  request: ScaleRequest,
): Promise<Result<ScaleAnswer, ScaleProblem>> {
  const { scale } = target;
  if (!scale) return err({ reason: 'refused', message: 'this devenv cannot scale services' });
  if (target.store.getState().shuttingDown) return err({ reason: 'shutting-down' });
  const changed = await oneAtATime(() => scale(request.service, request.replicas));
  if (!changed.ok) return err({ reason: 'refused', message: changed.error });
  const { added, removed } = changed.value;
  for (const name of added) target.note?.(name, 'started by `devenv scale`');
  // As they were added: pending, so a replica already up by now reads "started", not "running".
  const before: Snapshot = new Map(added.map((name) => [name, initialServiceState(name)]));
  const start: ActRequest = { ...request, kind: 'act', action: 'start', services: added };
  const started = request.wait
    ? await settle(target.store, start, before)
    : requestedResults(target, start, before);
  target.settled?.();
  const stopped = (name: string): [string, ServiceResult] => [
    name,
    { ok: true, phase: 'stopped', pid: null, restarts: 0, message: 'stopped and removed' },
  ];
  return ok({
    service: request.service,
    replicas: request.replicas,
    results: Object.fromEntries([...started, ...removed.map(stopped)]),
  });
}

function serviceOf(target: ControlTarget, name: string): ServiceState {
  return target.store.getState().services[name]!;
}

function listServices(target: ControlTarget): ServiceList {
  const state = target.store.getState();
  return {
    project: target.projectName,
    services: state.order.map((name) => {
      const s = state.services[name]!;
      return { name, phase: s.phase, pid: s.pid ?? null, restarts: s.restarts, paused: s.paused };
    }),
  };
}

/** Notes the request in each service's log, then applies it in dependency `order`. */
async function applyAction(
  target: ControlTarget,
  request: ActRequest,
  order: readonly string[],
): Promise<void> {
  for (const name of order)
    target.note?.(name, `${request.action} requested by \`devenv ${request.action}\``);
  switch (request.action) {
    case 'restart':
      if (order.length === 1) await target.restart(order[0]!);
      else await restartTogether(target, order);
      return;
    case 'stop':
      for (const name of [...order].reverse()) {
        // Nothing runs, and stopping would turn "unavailable, and why" into a bare "stopped".
        if (serviceOf(target, name).phase !== 'unavailable') await target.stop(name);
      }
      return;
    case 'start':
      for (const name of order) target.start(name);
      return;
  }
}

/**
 * Several at once: they, and the running services that restart along with them, all go down
 * first, dependants before what they depend on, then come back in dependency order. One by one,
 * a dependant would be stopped while its dependency was down and restarting (the Python worker
 * then waits out its whole grace period for a Temporal that is gone).
 */
async function restartTogether(target: ControlTarget, order: readonly string[]): Promise<void> {
  const along = new Set(
    order.flatMap((name) => [
      name,
      ...(target.restartsAlong?.(name) ?? []).filter((d) => isRunning(serviceOf(target, d).phase)),
    ]),
  );
  const all = target.store.getState().order.filter((name) => along.has(name));
  for (const name of [...all].reverse()) {
    if (target.store.getState().shuttingDown) return;
    if (serviceOf(target, name).phase !== 'unavailable') await target.stop(name);
  }
  for (const name of all) target.start(name);
}

/** Without waiting: each service's result as the request left it. */
function requestedResults(
  target: ControlTarget,
  request: ActRequest,
  before: Snapshot,
): Map<string, ServiceResult> {
  return new Map(
    [...before].map(([name, was]) => [
      name,
      requestedResult(
        request.action,
        was,
        serviceOf(target, name),
        target.store.getState().shuttingDown,
      ),
    ]),
  );
}

/** Waits until every service has a result, or the request's time is up. */
function settle(
  store: ControlTarget['store'],
  request: ActRequest,
  before: Snapshot,
): Promise<Map<string, ServiceResult>> {
  const results = new Map<string, ServiceResult>();
  /** True once every service has its result. */
  const check = (state: EngineState): boolean => {
    for (const [name, was] of before) {
      if (results.has(name)) continue;
      const now = state.services[name]!;
      const result = settledResult(request.action, was, now, state.shuttingDown);
      if (result) results.set(name, result);
    }
    return results.size === before.size;
  };
  if (check(store.getState())) return Promise.resolve(results);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      unsubscribe();
      const state = store.getState();
      for (const name of before.keys())
        if (!results.has(name))
          results.set(name, timedOutResult(state.services[name]!, request.timeoutMs));
      resolve(results);
    }, request.timeoutMs);
    const unsubscribe = store.subscribe((state) => {
      if (!check(state)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(results);
    });
  });
}
