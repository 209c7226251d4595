import { z } from 'zod';
import { err, ok, type Result } from '../../shared/result.js';
import { parseKillSignal } from '../runtime/signal-names.js';
import type { RequestProblem } from './protocol.js';
import { parseServiceNames } from './wait-protocol.js';

/**
 * `devenv kill|pause|unpause` on the control socket (protocol.ts):
 *
 *   POST /services/kill     {"services": ["worker"], "signal": "SIGHUP"}   (default SIGKILL)
 *   POST /services/pause    {"services": ["worker"]}
 *   POST /services/unpause  {"services": ["worker"]}
 *                           → 200 SignalAnswer (per service, ok or not), 404 no such service,
 *                             400 a malformed request or an unknown signal, 503 devenv is stopping
 */
export const SIGNAL_ACTIONS = ['kill', 'pause', 'unpause'] as const;
export type SignalAction = (typeof SIGNAL_ACTIONS)[number];

export type SignalRequest = {
  readonly kind: 'signal';
  /** Names as given, without repeats; at least one. */
  readonly services: readonly string[];
} & (
  | { readonly action: 'kill'; readonly signal: NodeJS.Signals }
  | { readonly action: 'pause' | 'unpause' }
);

const EXAMPLE = '{"services":["worker"]}';

export function isSignalAction(name: string): name is SignalAction {
  return (SIGNAL_ACTIONS as readonly string[]).includes(name);
}

/** Pure: a POST /services/{kill|pause|unpause}, or why it cannot be served. Never throws. */
export function parseSignalRequest(
  method: string,
  action: SignalAction,
  body: string,
): Result<SignalRequest, RequestProblem> {
  if (method !== 'POST')
    return err({
      status: 405,
      allow: 'POST',
      message: `/services/${action} takes POST, not ${method.slice(0, 20)}`,
    });
  const bad = (message: string) => err({ status: 400 as const, message });
  const known = action === 'kill' ? ['services', 'signal'] : ['services'];
  const parsed = parseServiceNames(body, known, EXAMPLE);
  if (!parsed.ok) return parsed;
  const { names, fields } = parsed.value;
  if (action !== 'kill') return ok({ kind: 'signal', action, services: names });
  const raw = Object.hasOwn(fields, 'signal') ? fields['signal'] : 'SIGKILL';
  if (typeof raw !== 'string' && typeof raw !== 'number')
    return bad(`"signal" must be a signal name or number, such as "SIGHUP"`);
  const signal = parseKillSignal(String(raw));
  if (!signal.ok) return bad(`"signal": ${signal.error}`);
  return ok({ kind: 'signal', action, services: names, signal: signal.value });
}

const signalResultSchema = z.object({
  ok: z.boolean(),
  phase: z.string(),
  pid: z.number().nullable(),
  paused: z.boolean(),
  message: z.string(),
});
export type SignalResult = z.infer<typeof signalResultSchema>;

/** 200 to POST /services/{kill|pause|unpause}: every named service's result, in start order. */
export const signalAnswerSchema = z.object({
  action: z.enum(SIGNAL_ACTIONS),
  /** The signal a kill sent; null for pause and unpause. */
  signal: z.string().nullable(),
  results: z.record(z.string(), signalResultSchema),
});
export type SignalAnswer = z.infer<typeof signalAnswerSchema>;
