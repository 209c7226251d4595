import type { ProbeKind, ProbeSpec } from '../model/stack.js';
import type { HealthFailure, ServiceState } from './service-state.js';

/**
 * Probes that spawn or speak a protocol (exec, postgres, temporal): the first re-check of a
 * starting service; the interval then grows ×1.2 up to 250 ms (or the probe period when
 * shorter). A reload is waiting on that probe, so a slow starter must not push it out to seconds:
 * a probe every 250 ms costs far less than the wait it saves.
 */
export const FIRST_STARTING_PROBE_MS = 50;
export const LAST_STARTING_PROBE_MS = 250;

/**
 * Probes whose failure before the service listens is a refused connect (microseconds): while the
 * service starts they wait a share of the time it has been starting (1/32, at least 5 ms), so a
 * dependency's readiness is noticed within ~3 % of its own start time: 10 ms after 320 ms. A
 * chain of four such services starts within a few ms of starting them by hand.
 */
const PROPORTIONAL_KINDS: ReadonlySet<ProbeKind> = new Set<ProbeKind>(['tcp', 'http', 'grpc']);
export const QUICK_STARTING_PROBE_MS = 5;
export const STARTING_WAIT_SHARE = 1 / 32;

/**
 * Pure: whether a running service has failed its probe badly enough for devenv to replace it, as
 * Kubernetes does for a liveness failure: still not ready after its start timeout, or unhealthy
 * (`failure_threshold` failed checks in a row) after having been ready. A probe with
 * `restart_unhealthy: false` never replaces a service that was ready; a start timeout still ends
 * it (and its `restart` policy decides what follows), as before.
 */
export function healthFailureOf(
  service: ServiceState,
  probe: ProbeSpec,
  now: number,
): HealthFailure | undefined {
  const detail = service.lastProbe?.detail ?? 'no answer';
  if (
    service.phase === 'starting' &&
    service.startedAt !== undefined &&
    now - service.startedAt > probe.startTimeoutMs
  ) {
    return {
      cause: 'start-timeout',
      detail: `not ready after ${probe.startTimeoutMs / 1000} s (${detail})`,
    };
  }
  if (service.phase === 'unhealthy' && probe.restartUnhealthy) {
    const failures = service.lastProbe?.consecutiveFailures ?? probe.failureThreshold;
    return { cause: 'unhealthy', detail: `unhealthy: ${failures} failed checks (${detail})` };
  }
  return undefined;
}

/**
 * Pure: whether an answer would change nothing in the service's state but the time of its last
 * probe: a pass that says what the last pass said, of a service healthy and without a reason.
 * The health watch does not dispatch such an answer, so an idle stack's probes wake none of the
 * store's subscribers (the scheduler, state.json, the reporter, the TUI); `lastProbe.at` then
 * says since when the service has been answering so. Any other answer is dispatched: a failure
 * (its count grows), the first pass after one, a pass that says something new.
 */
export function repeatsLastPass(
  service: ServiceState | undefined,
  outcome: { readonly ok: boolean; readonly detail: string },
): boolean {
  const last = service?.lastProbe;
  return (
    outcome.ok &&
    service?.phase === 'healthy' &&
    service.reason === undefined &&
    service.readyAt !== undefined &&
    last?.ok === true &&
    last.detail === outcome.detail
  );
}

/** What the health watch of one run remembers between probes. */
export interface ProbeCadence {
  /** The previous probe's answer; undefined before the first. */
  readonly lastOk: boolean | undefined;
  /** The wait between probes while the service is starting; grows toward the period. */
  readonly startingIntervalMs: number;
}

export const firstProbeCadence: ProbeCadence = {
  lastOk: undefined,
  startingIntervalMs: FIRST_STARTING_PROBE_MS,
};

export type ProbeFollowUp =
  | {
      readonly kind: 'probe-again';
      readonly note: string | undefined;
      readonly waitMs: number;
      readonly cadence: ProbeCadence;
    }
  /** Failed badly enough to replace: devenv stops it and its restart follows as for a crash. */
  | {
      readonly kind: 'replace';
      readonly note: string | undefined;
      readonly failure: HealthFailure;
    };

/**
 * Pure: what follows a probe's answer. `service` already holds the answer (after
 * `service/probed`). The note says when readiness changes; a first failure is not news.
 */
export function afterProbe(
  cadence: ProbeCadence,
  service: ServiceState | undefined,
  probe: ProbeSpec,
  outcome: { readonly ok: boolean; readonly detail: string },
  now: number,
): ProbeFollowUp {
  const changed = outcome.ok !== cadence.lastOk && (outcome.ok || cadence.lastOk !== undefined);
  const note = !changed
    ? undefined
    : outcome.ok
      ? `ready: ${outcome.detail}`
      : `probe failing: ${outcome.detail}`;
  const failure = service && healthFailureOf(service, probe, now);
  if (failure) return { kind: 'replace', note, failure };
  // Until first ready, ask often (like Compose's start_interval): every hop of a dependency
  // chain would otherwise wait up to a whole period after its service is up.
  const waitMs =
    service?.phase === 'starting'
      ? startingWaitMs(probe, cadence, now - (service.startedAt ?? now))
      : untilNextBeat(probe.periodMs, now);
  const startingIntervalMs = Math.min(
    probe.periodMs,
    LAST_STARTING_PROBE_MS,
    cadence.startingIntervalMs * 1.2,
  );
  return { kind: 'probe-again', note, waitMs, cadence: { lastOk: outcome.ok, startingIntervalMs } };
}

/**
 * Pure: the wait from `now` to the period's next beat (its multiples on the clock). Once ready a
 * service is probed on the beats: a probe every period still, and all services with the same
 * period due at the same instant, so their probes share one wake of devenv (wake-at.ts) and
 * of the warm spawner instead of one each.
 */
export function untilNextBeat(periodMs: number, now: number): number {
  return periodMs > 0 ? periodMs - (now % periodMs) : 0;
}

/** Pure: the wait before the next probe of a service `elapsedMs` into its start. */
export function startingWaitMs(probe: ProbeSpec, cadence: ProbeCadence, elapsedMs: number): number {
  if (!PROPORTIONAL_KINDS.has(probe.check.kind))
    return Math.min(probe.periodMs, cadence.startingIntervalMs);
  const share = Math.max(QUICK_STARTING_PROBE_MS, elapsedMs * STARTING_WAIT_SHARE);
  return Math.min(probe.periodMs, LAST_STARTING_PROBE_MS, share);
}
