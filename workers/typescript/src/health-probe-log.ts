import { requestLogLevel } from '../../../devenv/shared/probe-request.js';

/** Where a failed probe is reported: a logger's `warn` (pino's argument order). */
export type WarnLog = (fields: object, message: string) => void;

/**
 * What the health server tells its log about devenv's probes: nothing while they pass, and a
 * warning when one fails, once per run of the same answer (devenv probes a starting worker every
 * 50 ms and more, so a line per failed probe would flood the log with the same reason).
 */
export function failedProbeLog(
  warn: WarnLog,
): (path: string, status: number, body: object) => void {
  let lastFailure: string | undefined;
  return (path, status, body) => {
    if (requestLogLevel(true, status) === undefined) {
      lastFailure = undefined;
      return;
    }
    const failure = `${path} ${status} ${JSON.stringify(body)}`;
    if (failure === lastFailure) return;
    lastFailure = failure;
    warn({ path, status, answer: body }, `devenv's probe of ${path} answered ${status}`);
  };
}
