import type { ProbeSpec, ServiceSpec, Stack } from '../model/stack.js';
import { backoffDelayMs, wantsRestart } from './backoff.js';
import { crashStreakAfterExit } from './reducer.js';
import type { HealthFailure, ServiceState } from './service-state.js';

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
 * Pure: when a service that just exited should start again, or undefined to leave it down. A
 * service devenv stopped for failing its probe comes back (with the crash backoff) whatever its
 * Compose `restart` policy, unless its probe says `restart_unhealthy: false`; any other exit
 * follows the policy. Stops asked for by the user or by shutdown never restart.
 */
export function nextStartAfterExit(
  service: ServiceState,
  spec: Pick<ServiceSpec, 'restart' | 'devenv'>,
  exit: { readonly code: number | null; readonly at: number },
  random: number,
): number | undefined {
  if (service.phase === 'stopping' || service.userStopped) return undefined;
  const replacedForHealth =
    service.healthFailure !== undefined && (spec.devenv.probe?.restartUnhealthy ?? true);
  if (!replacedForHealth && !wantsRestart(spec.restart, exit.code)) return undefined;
  const code = service.healthFailure ? null : exit.code;
  const streak = Math.max(1, crashStreakAfterExit(service, code, exit.at));
  return exit.at + backoffDelayMs(streak, random);
}

/**
 * Pure: the services to restart along with `name`, Compose's `depends_on: {name: {restart: true}}`,
 * followed transitively (a dependant that restarts takes its own such dependants along).
 */
export function dependantsRestartedWith(stack: Stack, name: string): string[] {
  const found: string[] = [];
  const visit = (dependency: string) => {
    for (const other of stack.startOrder) {
      if (found.includes(other) || other === name) continue;
      if (stack.services[other]?.dependsOn[dependency]?.restart === true) {
        found.push(other);
        visit(other);
      }
    }
  };
  visit(name);
  return found;
}
