import { z } from 'zod';
import { err, ok, type Result } from '../../shared/result.js';
import { parseBodyObject, parseWaitFields, type RequestProblem } from './protocol.js';

/**
 * `devenv scale`'s request to a running `devenv up`:
 *
 *   POST /scale  {"service": "worker", "replicas": 3, "wait": true, "timeoutMs": 120000}
 *              → 200 ScaleAnswer: the replicas started (ready, when waited for) and stopped
 *              → 400 a malformed request, or a count the service cannot run (its ports)
 *
 * Try it: curl --unix-socket .devenv/control.sock -d '{"service":"worker","replicas":2}' http://devenv/scale
 */
export interface ScaleRequest {
  readonly kind: 'scale';
  readonly service: string;
  readonly replicas: number;
  /** Answer once the added replicas are ready (or failed), not at once. */
  readonly wait: boolean;
  readonly timeoutMs: number;
}

const FIELDS = ['service', 'replicas', 'wait', 'timeoutMs'] as const;
const EXAMPLE = '{"service":"worker","replicas":3}';
/** More replicas than this on one machine is a typo, not a plan. */
export const MAX_REPLICAS = 100;

/** Pure: the body of POST /scale, or why it cannot be served. */
export function parseScaleRequest(
  method: string,
  body: string,
): Result<ScaleRequest, RequestProblem> {
  if (method !== 'POST')
    return err({ status: 405, allow: 'POST', message: `/scale takes POST, not ${method}` });
  const bad = (message: string) => err({ status: 400 as const, message });
  const parsed = parseBodyObject(body, FIELDS, EXAMPLE);
  if (!parsed.ok) return bad(parsed.error);
  const fields = parsed.value;
  const { service, replicas } = fields;
  if (typeof service !== 'string' || service === '')
    return bad(`"service" must be a service name, as in ${EXAMPLE}`);
  if (
    typeof replicas !== 'number' ||
    !Number.isInteger(replicas) ||
    replicas < 0 ||
    replicas > MAX_REPLICAS
  )
    return bad(`"replicas" must be a whole number from 0 to ${MAX_REPLICAS}`);
  const waiting = parseWaitFields(fields);
  if (!waiting.ok) return bad(waiting.error);
  return ok({ kind: 'scale', service, replicas, ...waiting.value });
}

/** 200 to POST /scale: each replica started or stopped, with its result as `devenv start` gives it. */
export const scaleAnswerSchema = z.object({
  service: z.string(),
  replicas: z.number(),
  results: z.record(
    z.string(),
    z.looseObject({
      ok: z.boolean(),
      phase: z.string(),
      pid: z.number().nullable(),
      restarts: z.number(),
      message: z.string(),
    }),
  ),
});
export type ScaleAnswer = z.infer<typeof scaleAnswerSchema>;
