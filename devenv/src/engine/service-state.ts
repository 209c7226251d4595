import type { RuntimeKind } from '../runtime/runtime.js';
import { NO_PANELS, type Panels } from './panels.js';
/**
 * The lifecycle of a service, as the store holds it:
 * pending → starting → healthy ↔ unhealthy → stopping → stopped | exited | crashed, and
 * unavailable (cannot run here, with the reason) or blocked (a dependency cannot run).
 */
export type ServicePhase =
  | 'pending'
  | 'starting'
  | 'healthy'
  | 'unhealthy'
  | 'stopping'
  | 'stopped'
  /** Exited with code 0 and is not restarted (a one-shot task that completed). */
  | 'completed'
  /** Exited abnormally; `nextStartAt` is set when a restart is scheduled. */
  | 'crashed'
  | 'unavailable'
  /** Waiting on a dependency that is unavailable or crashed for good. */
  | 'blocked';

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: string | null;
  readonly at: number;
}

export interface ProbeResult {
  readonly ok: boolean;
  /**
   * When the probe first answered like this: a pass that repeats the last pass of a healthy
   * service is not dispatched (engine/health-watch.ts), so this is not the latest probe's time.
   */
  readonly at: number;
  readonly detail: string;
  readonly consecutiveFailures: number;
}

/** Why devenv stopped a service that failed its probe (it is then restarted like a crash). */
export interface HealthFailure {
  readonly cause: 'start-timeout' | 'unhealthy';
  /** For people: what the probe said, e.g. "unhealthy: 3 failed checks (HTTP 500)". */
  readonly detail: string;
}

export interface ServiceState {
  readonly name: string;
  readonly phase: ServicePhase;
  readonly runtime: RuntimeKind | undefined;
  readonly pid: number | undefined;
  readonly containerId: string | undefined;
  readonly startedAt: number | undefined;
  /** When it first became healthy in the current run. */
  readonly readyAt: number | undefined;
  /** Restarts since devenv started (not counting the first start). */
  readonly restarts: number;
  /** Consecutive abnormal exits without a healthy period in between: drives the backoff. */
  readonly crashStreak: number;
  readonly lastExit: ExitInfo | undefined;
  readonly nextStartAt: number | undefined;
  readonly lastProbe: ProbeResult | undefined;
  /** Why it is unavailable/blocked/crashed, and what to do, for people. */
  readonly reason: string | undefined;
  /** Set when the user stopped it (`s`): it stays down until started again. */
  readonly userStopped: boolean;
  /** Set when devenv stopped it for failing its probe; cleared by the next start. */
  readonly healthFailure: HealthFailure | undefined;
  /** `devenv pause`: its processes are frozen and its probes wait until `devenv unpause`. */
  readonly paused: boolean;
}

export interface EngineState {
  readonly services: Readonly<Record<string, ServiceState>>;
  /** Service names in start order (the stack's DAG order). */
  readonly order: readonly string[];
  /** True once shutdown began: nothing starts or restarts any more. */
  readonly shuttingDown: boolean;
  /** What the reload, test, load and Temporal subsystems last reported (panels.ts). */
  readonly panels: Panels;
}

export function initialServiceState(name: string): ServiceState {
  return {
    name,
    phase: 'pending',
    runtime: undefined,
    pid: undefined,
    containerId: undefined,
    startedAt: undefined,
    readyAt: undefined,
    restarts: 0,
    crashStreak: 0,
    lastExit: undefined,
    nextStartAt: undefined,
    lastProbe: undefined,
    reason: undefined,
    userStopped: false,
    healthFailure: undefined,
    paused: false,
  };
}

export function initialEngineState(order: readonly string[]): EngineState {
  return {
    services: Object.fromEntries(order.map((name) => [name, initialServiceState(name)])),
    order,
    shuttingDown: false,
    panels: NO_PANELS,
  };
}

/** Has a live process or container. */
export function isRunning(phase: ServicePhase): boolean {
  return (
    phase === 'starting' || phase === 'healthy' || phase === 'unhealthy' || phase === 'stopping'
  );
}

/** A stop request acts on it (the reducer moves it to `stopping`); otherwise `s` starts it. */
export function canBeStopped(phase: ServicePhase): boolean {
  return isRunning(phase) || phase === 'crashed' || phase === 'pending' || phase === 'blocked';
}

/**
 * Serves now: passed its readiness probe and is not frozen by `devenv pause` (a paused process
 * answers nothing, whatever its last probe said; its probes are suspended with it).
 */
export function isServing(s: Pick<ServiceState, 'phase' | 'paused'>): boolean {
  return s.phase === 'healthy' && !s.paused;
}
