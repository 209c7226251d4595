import type { EngineAction } from './actions.js';
import { isPanelAction, reducePanels, type PanelAction } from './panels.js';
import {
  initialServiceState,
  isRunning,
  type EngineState,
  type ServiceState,
} from './service-state.js';

/** Pure: the next state for an action. Unknown services and impossible transitions leave state as it is. */
export function reduce(state: EngineState, action: EngineAction): EngineState {
  if (action.type === 'engine/shutting-down')
    return state.shuttingDown ? state : { ...state, shuttingDown: true };
  if (action.type === 'engine/instances-changed') return withInstances(state, action.order);
  if (isPanelAction(action)) {
    const panels = reducePanels(state.panels, action);
    return panels === state.panels ? state : { ...state, panels };
  }
  const current = state.services[action.service];
  if (!current) return state;
  const next = reduceService(current, action, state.shuttingDown);
  return next === current
    ? state
    : { ...state, services: { ...state.services, [action.service]: next } };
}

type ServiceAction = Exclude<
  EngineAction,
  { type: 'engine/shutting-down' } | { type: 'engine/instances-changed' } | PanelAction
>;

/** The services in `order`: those already known as they are, new ones pending. */
function withInstances(state: EngineState, order: readonly string[]): EngineState {
  return {
    ...state,
    order,
    services: Object.fromEntries(
      order.map((name) => [name, state.services[name] ?? initialServiceState(name)]),
    ),
  };
}
type ActionOf<T extends ServiceAction['type']> = Extract<ServiceAction, { type: T }>;

function reduceService(
  s: ServiceState,
  action: ServiceAction,
  shuttingDown: boolean,
): ServiceState {
  switch (action.type) {
    case 'service/unavailable':
      return { ...s, phase: 'unavailable', reason: action.reason };
    case 'service/blocked':
      return s.phase === 'pending' || s.phase === 'blocked'
        ? { ...s, phase: 'blocked', reason: action.reason }
        : s;
    case 'service/started':
      return started(s, action);
    case 'service/health-failed':
      return s.phase === 'starting' || s.phase === 'healthy' || s.phase === 'unhealthy'
        ? { ...s, healthFailure: action.failure, reason: action.failure.detail }
        : s;
    case 'service/probed':
      return probed(s, action);
    case 'service/start-failed':
      return {
        ...s,
        phase: 'crashed',
        reason: action.reason,
        lastExit: { code: null, signal: null, at: action.at },
        crashStreak: s.crashStreak + 1,
      };
    case 'service/exited':
      return exited(s, action, shuttingDown);
    case 'service/stopping':
      return stopping(s, action);
    case 'service/killed':
      return isRunning(s.phase) ? { ...s, userStopped: true } : s;
    case 'service/paused':
      return isRunning(s.phase) || !action.paused ? { ...s, paused: action.paused } : s;
    case 'service/stopped':
      // Nothing ran: an unavailable service keeps its reason (what to install) when asked to stop.
      if (s.phase === 'unavailable') return s;
      return {
        ...s,
        phase: 'stopped',
        pid: undefined,
        containerId: undefined,
        nextStartAt: undefined,
      };
    case 'service/requeued':
      return requeued(s, action, shuttingDown);
  }
}

function started(s: ServiceState, action: ActionOf<'service/started'>): ServiceState {
  return {
    ...s,
    phase: 'starting',
    runtime: action.runtime,
    pid: action.pid,
    containerId: action.containerId,
    startedAt: action.at,
    readyAt: undefined,
    nextStartAt: undefined,
    lastProbe: undefined,
    reason: undefined,
    healthFailure: undefined,
    paused: false,
  };
}

function probed(s: ServiceState, action: ActionOf<'service/probed'>): ServiceState {
  if (s.phase !== 'starting' && s.phase !== 'healthy' && s.phase !== 'unhealthy') return s;
  const consecutiveFailures = action.ok ? 0 : (s.lastProbe?.consecutiveFailures ?? 0) + 1;
  const lastProbe = { ok: action.ok, at: action.at, detail: action.detail, consecutiveFailures };
  if (action.ok) {
    return {
      ...s,
      phase: 'healthy',
      lastProbe,
      readyAt: s.readyAt ?? action.at,
      reason: undefined,
    };
  }
  const unhealthy = s.phase !== 'starting' && consecutiveFailures >= action.failureThreshold;
  return { ...s, phase: unhealthy ? 'unhealthy' : s.phase, lastProbe };
}

function exited(
  s: ServiceState,
  action: ActionOf<'service/exited'>,
  shuttingDown: boolean,
): ServiceState {
  const lastExit = { code: action.code, signal: action.signal, at: action.at };
  const base = { ...s, pid: undefined, containerId: undefined, lastExit, paused: false };
  // Stopped by the user, or killed (`devenv kill`) as a stop would: it stays down.
  if (s.phase === 'stopping' || s.userStopped || shuttingDown)
    return { ...base, phase: 'stopped', nextStartAt: undefined };
  // Stopped for failing its probe: a failure however it exited.
  const clean = action.code === 0 && s.healthFailure === undefined;
  if (clean && action.restartAt === undefined)
    return { ...base, phase: 'completed', reason: undefined };
  return {
    ...base,
    phase: 'crashed',
    crashStreak: crashStreakAfterExit(s, s.healthFailure ? null : action.code, action.at),
    nextStartAt: action.restartAt,
    reason: s.healthFailure?.detail ?? describeExit(action.code, action.signal),
  };
}

function stopping(s: ServiceState, action: ActionOf<'service/stopping'>): ServiceState {
  const userStopped = action.userRequested || s.userStopped;
  if (isRunning(s.phase) || s.phase === 'crashed' || s.phase === 'pending' || s.phase === 'blocked')
    return { ...s, phase: 'stopping', nextStartAt: undefined, userStopped };
  return s.phase === 'stopped' ? { ...s, userStopped } : s;
}

function requeued(
  s: ServiceState,
  action: ActionOf<'service/requeued'>,
  shuttingDown: boolean,
): ServiceState {
  if (shuttingDown || isRunning(s.phase) || s.phase === 'unavailable') return s;
  if (action.cause === 'backoff' && (s.phase !== 'crashed' || s.userStopped)) return s;
  return {
    ...s,
    phase: 'pending',
    userStopped: false,
    nextStartAt: undefined,
    reason: undefined,
    restarts: s.startedAt === undefined ? s.restarts : s.restarts + 1,
    crashStreak: action.cause === 'user' ? 0 : s.crashStreak,
    healthFailure: action.cause === 'user' ? undefined : s.healthFailure,
  };
}

/** How a service ended, for people: the crash reason in the store and devenv's log line alike. */
export function describeExit(code: number | null, signal: string | null): string {
  return signal ? `killed by ${signal}` : `exited with code ${code}`;
}

/** Ready this long ends a crash streak: the next crash backs off from the start again. */
export const STABLE_RUN_MS = 10_000;

/** Consecutive quick crashes, counting the exit at `at`; drives the restart backoff. */
export function crashStreakAfterExit(s: ServiceState, code: number | null, at: number): number {
  if (code === 0) return s.crashStreak;
  // Ready for a while, not merely alive: a service that never gets ready keeps backing off.
  const ranLong = s.readyAt !== undefined && at - s.readyAt >= STABLE_RUN_MS;
  return ranLong ? 1 : s.crashStreak + 1;
}
