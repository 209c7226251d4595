import { probeLogLevels } from '../../../devenv/shared/probe-request.js';

/** Where a failed probe is reported: a logger's `warn` (pino's argument order). */
export type WarnLog = (fields: object, message: string) => void;

/**
 * What the health server tells its log about devenv's probes: nothing while they pass, and a
 * warning when one fails, once per run of the same answer (probeLogLevels).
 */
export function failedProbeLog(
  warn: WarnLog,
): (path: string, status: number, body: object) => void {
  const levelOf = probeLogLevels();
  return (path, status, body) => {
    if (levelOf(true, status, `${path} ${status} ${JSON.stringify(body)}`) === undefined) return;
    warn({ path, status, answer: body }, `devenv's probe of ${path} answered ${status}`);
  };
}
