import type { ServiceSpec, Stack } from '../model/stack.js';
import { backoffDelayMs, wantsRestart } from './backoff.js';
import { crashStreakAfterExit, describeExit } from './reducer.js';
import type { ServiceState } from './service-state.js';

type RestartSpec = Pick<ServiceSpec, 'restart' | 'devenv'>;

/**
 * Pure: when a service that just exited should start again, or undefined to leave it down. A
 * service devenv stopped for failing its probe comes back (with the crash backoff) whatever its
 * Compose `restart` policy, unless its probe says `restart_unhealthy: false`; any other exit
 * follows the policy. Stops asked for by the user or by shutdown never restart.
 */
export function nextStartAfterExit(
  service: ServiceState,
  spec: RestartSpec,
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

export interface ExitDecision {
  /** The time of the next start, or undefined to leave it down. */
  readonly restartAt: number | undefined;
  /** devenv's line about the exit, e.g. "exited with code 3; restarting in 0.1 s (restart 2)". */
  readonly message: string;
}

/**
 * Pure: what follows an exit: the next start (none once shutdown began) and what to tell the
 * user. `before` is the service as it was when it exited; `random` in [0, 1) for the jitter.
 */
export function decideAfterExit(
  before: ServiceState | undefined,
  spec: RestartSpec,
  exit: { readonly code: number | null; readonly signal: string | null; readonly at: number },
  shuttingDown: boolean,
  random: number,
): ExitDecision {
  const restartAt =
    before && !shuttingDown ? nextStartAfterExit(before, spec, exit, random) : undefined;
  const why = before?.healthFailure ? ` (stopped by devenv: ${before.healthFailure.detail})` : '';
  const next =
    restartAt === undefined
      ? ''
      : `; restarting in ${Math.round((restartAt - exit.at) / 100) / 10} s (restart ${(before?.restarts ?? 0) + 1})`;
  return { restartAt, message: `${describeExit(exit.code, exit.signal)}${why}${next}` };
}

/**
 * Pure: when to try again after a start that failed (`service` already shows the failure, which
 * counted in its crash streak), or undefined to leave it down. The failure counts once more here,
 * as it did before this policy was pulled out of the supervisor, so even a first failed start
 * waits one backoff step instead of being retried at once.
 */
export function nextStartAfterFailedStart(
  service: ServiceState | undefined,
  spec: RestartSpec,
  shuttingDown: boolean,
  now: number,
  random: number,
): number | undefined {
  if (!service || shuttingDown) return undefined;
  return nextStartAfterExit(service, spec, { code: null, at: now }, random);
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
