/**
 * devenv's own readiness probes say who they are, so the services' request logs can leave them
 * out: an idle stack is probed every 5 s, and a log line per probe would be most of its log.
 * A probe that fails is still logged (at warn), so a service that stops being ready shows why.
 */

/** Sent by devenv's http probe (and as gRPC metadata by its gRPC probes), value `1`. */
export const PROBE_HEADER = 'x-devenv-probe';
export const PROBE_USER_AGENT = 'devenv-probe/1';

/** Whether a request carries the probe header (any value but an empty one). */
export function isDevenvProbe(headers: {
  readonly [name: string]: string | string[] | undefined;
}): boolean {
  const value = headers[PROBE_HEADER];
  return value !== undefined && value !== '';
}

/**
 * The level of a request's log line, or `undefined` for none: a devenv probe that passes
 * (below 400) is not logged, one that fails is a warning; every other request is `info`.
 */
export function requestLogLevel(probe: boolean, status: number): 'info' | 'warn' | undefined {
  if (!probe) return 'info';
  return status >= 400 ? 'warn' : undefined;
}

/**
 * `requestLogLevel` for one server, with a failing probe logged once per run of the same failure
 * (`failure` names it, e.g. route, status and reason): devenv probes a starting service every
 * 50 ms and more, and one that stays down every 5 s, so a line per failed probe would bury the
 * log in one reason. A passing probe ends the run.
 */
export function probeLogLevels(): (
  probe: boolean,
  status: number,
  failure: string,
) => 'info' | 'warn' | undefined {
  let lastFailure: string | undefined;
  return (probe, status, failure) => {
    const level = requestLogLevel(probe, status);
    if (!probe) return level;
    if (level === undefined) {
      lastFailure = undefined;
      return undefined;
    }
    if (failure === lastFailure) return undefined;
    lastFailure = failure;
    return level;
  };
}
