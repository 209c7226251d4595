import { z } from 'zod';
import { err, ok, type Result } from '../../shared/result.js';
import { parseBodyObject, type RequestProblem } from './protocol.js';

/**
 * `devenv wait` on the control socket (protocol.ts), Compose's `docker compose wait`:
 *
 *   POST /services/wait  {"services": ["migrate"]}
 *                        → 200 WaitAnswer once every named service's run has ended (one that
 *                          is not running answers at once, with how its last run ended)
 */
export interface WaitRequest {
  readonly kind: 'wait';
  /** Names as given, without repeats; at least one. */
  readonly services: readonly string[];
}

const EXAMPLE = '{"services":["migrate"]}';

/** Pure: a POST /services/wait, or why it cannot be served. Never throws. */
export function parseWaitRequest(
  method: string,
  body: string,
): Result<WaitRequest, RequestProblem> {
  if (method !== 'POST')
    return err({
      status: 405,
      allow: 'POST',
      message: `/services/wait takes POST, not ${method.slice(0, 20)}`,
    });
  const services = parseServiceNames(body, ['services'], EXAMPLE);
  return services.ok ? ok({ kind: 'wait', services: services.value.names }) : services;
}

/**
 * Pure: a POST body's `services` (non-empty names, repeats dropped) and its other known fields,
 * or a 400 that names what is wrong.
 */
export function parseServiceNames(
  body: string,
  known: readonly string[],
  example: string,
): Result<
  { names: string[]; fields: Readonly<Record<string, unknown>> },
  RequestProblem & { status: 400 }
> {
  const bad = (message: string) => err({ status: 400 as const, message });
  const fields = parseBodyObject(body, known, example);
  if (!fields.ok) return bad(fields.error);
  const services = Object.hasOwn(fields.value, 'services') ? fields.value['services'] : undefined;
  if (!Array.isArray(services) || services.length === 0)
    return bad(`"services" must name at least one service, as in ${example}`);
  const badIndex = services.findIndex((s) => typeof s !== 'string' || s.length === 0);
  if (badIndex >= 0)
    return bad(`"services"[${badIndex}] must be a service name (a non-empty string)`);
  return ok({ names: [...new Set(services as string[])], fields: fields.value });
}

const exitSchema = z.object({
  /** The exit code; null when a signal ended it (or it never ran). */
  code: z.number().nullable(),
  signal: z.string().nullable(),
  /** Its phase once the run ended (crashed with a restart on its way, stopped, completed …). */
  phase: z.string(),
  /** When it ended (ms since the epoch); null when it never ran. */
  at: z.number().nullable(),
});
export type ServiceExit = z.infer<typeof exitSchema>;

/** 200 to POST /services/wait: how each named service's run ended, in start order. */
export const waitAnswerSchema = z.object({ results: z.record(z.string(), exitSchema) });
export type WaitAnswer = z.infer<typeof waitAnswerSchema>;
