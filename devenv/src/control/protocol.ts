import { z } from 'zod';
import type { EngineState } from '../engine/service-state.js';
import { err, ok, type Result } from '../../shared/result.js';
import { parseScaleRequest, type ScaleRequest } from './scale-protocol.js';
import {
  isSignalAction,
  parseSignalRequest,
  SIGNAL_ACTIONS,
  type SignalRequest,
} from './signal-protocol.js';
import { parseWaitRequest, type WaitRequest } from './wait-protocol.js';
import { parseWatchRequest, type WatchRequest } from './events-protocol.js';

/**
 * The control protocol of a running `devenv up`: HTTP/1.1 over its control socket, JSON bodies.
 *
 *   GET  /services                      → 200 ServiceList
 *   GET  /state                         → 200 StateAnswer: every service's state, as `devenv ps` shows it
 *   GET  /services/{name}/exec          → 200 ExecTarget: where `devenv exec` runs a command
 *   POST /scale                         → 200 ScaleAnswer (`devenv scale`; scale-protocol.ts)
 *   POST /services/{restart|stop|start}   {"services": ["worker"], "wait": true, "timeoutMs": 120000}
 *                                       → 200 ActionAnswer (per service, ok or not)
 *                                       → 400 a malformed request, 404 no such service or endpoint,
 *                                         503 devenv is stopping; each with {"error": "…"}
 *   POST /services/{kill|pause|unpause} {"services": ["worker"], "signal": "SIGHUP"}
 *                                       → 200 SignalAnswer (signal-protocol.ts)
 *   POST /services/wait  {"services": ["migrate"]} → 200 WaitAnswer (wait-protocol.ts)
 *   GET  /events, GET /stats [?service=NAME…] → `devenv events|stats` (events-protocol.ts)
 *
 * Try it: curl --unix-socket .devenv/control.sock -d '{"services":["worker"]}' http://devenv/services/restart
 */

export const CONTROL_ACTIONS = ['restart', 'stop', 'start'] as const;
export type ControlAction = (typeof CONTROL_ACTIONS)[number];

/** How long restart and start wait for their services to be ready again, unless told. */
export const DEFAULT_WAIT_MS = 120_000;
export const MAX_WAIT_MS = 3_600_000;
/** A request body is a few names; anything larger is a mistake, refused before it is parsed. */
export const MAX_BODY_BYTES = 64 * 1024;

export type ControlRequest =
  | { readonly kind: 'list' }
  | { readonly kind: 'state' }
  | ScaleRequest
  | SignalRequest
  | WaitRequest
  | WatchRequest
  | { readonly kind: 'exec-target'; readonly service: string }
  | {
      readonly kind: 'act';
      readonly action: ControlAction;
      /** Names as given, without repeats; at least one. */
      readonly services: readonly string[];
      /** restart/start: answer once the services are ready again (or failed), not at once. */
      readonly wait: boolean;
      readonly timeoutMs: number;
    };
export type ActRequest = Extract<ControlRequest, { kind: 'act' }>;

/** Why a request was refused: the HTTP status and, for people, what is wrong. */
export interface RequestProblem {
  readonly status: 400 | 404 | 405 | 413;
  readonly message: string;
  /** With 405: the method the endpoint takes. */
  readonly allow?: 'GET' | 'POST';
}

const BODY_FIELDS = ['services', 'wait', 'timeoutMs'] as const;
const EXAMPLE = '{"services":["worker"]}';
const ALL_ACTIONS = [...CONTROL_ACTIONS, ...SIGNAL_ACTIONS, 'wait'];
const ENDPOINTS = `GET /services, GET /state, GET /services/{name}/exec, POST /services/${ALL_ACTIONS.join('|')}, POST /scale, GET /events, GET /stats`;

/** Pure: what an HTTP request asks for, or why it cannot be served. Never throws. */
export function parseControlRequest(raw: {
  readonly method: string;
  readonly url: string;
  readonly body: string;
}): Result<ControlRequest, RequestProblem> {
  const path = raw.url.split('?', 1)[0] ?? '';
  if (path === '/services') {
    return raw.method === 'GET'
      ? ok({ kind: 'list' })
      : err({ status: 405, allow: 'GET', message: `${path} takes GET, not ${raw.method}` });
  }
  if (path === '/state') {
    return raw.method === 'GET'
      ? ok({ kind: 'state' })
      : err({ status: 405, allow: 'GET', message: `${path} takes GET, not ${raw.method}` });
  }
  if (path === '/events' || path === '/stats')
    return parseWatchRequest(path === '/events' ? 'events' : 'stats', raw.method, raw.url);
  if (path === '/scale') {
    if (Buffer.byteLength(raw.body) > MAX_BODY_BYTES)
      return err({ status: 413, message: `the body is over ${MAX_BODY_BYTES} bytes` });
    return parseScaleRequest(raw.method, raw.body);
  }
  const execOf = /^\/services\/([^/]+)\/exec$/.exec(path)?.[1];
  if (execOf !== undefined) return parseExecTarget(raw.method, path, execOf);
  const action = /^\/services\/([^/]+)$/.exec(path)?.[1];
  if (action === undefined)
    return err({ status: 404, message: `no endpoint ${clip(path)}; endpoints: ${ENDPOINTS}` });
  if (isSignalAction(action) || action === 'wait') {
    if (Buffer.byteLength(raw.body) > MAX_BODY_BYTES)
      return err({ status: 413, message: `the body is over ${MAX_BODY_BYTES} bytes` });
    return action === 'wait'
      ? parseWaitRequest(raw.method, raw.body)
      : parseSignalRequest(raw.method, action, raw.body);
  }
  if (!isAction(action))
    return err({
      status: 404,
      message: `no action "${clip(action)}"; actions: ${ALL_ACTIONS.join(', ')}`,
    });
  if (raw.method !== 'POST')
    return err({ status: 405, allow: 'POST', message: `${path} takes POST, not ${raw.method}` });
  if (Buffer.byteLength(raw.body) > MAX_BODY_BYTES)
    return err({ status: 413, message: `the body is over ${MAX_BODY_BYTES} bytes` });
  const body = parseBody(raw.body);
  return body.ok ? ok({ kind: 'act', action, ...body.value }) : body;
}

function parseExecTarget(
  method: string,
  path: string,
  encoded: string,
): Result<ControlRequest, RequestProblem> {
  if (method !== 'GET')
    return err({ status: 405, allow: 'GET', message: `${clip(path)} takes GET, not ${method}` });
  try {
    return ok({ kind: 'exec-target', service: decodeURIComponent(encoded) });
  } catch {
    return err({
      status: 400,
      message: `${clip(path)}: the service name is not valid URL encoding`,
    });
  }
}

function parseBody(
  text: string,
): Result<Omit<ActRequest, 'kind' | 'action'>, RequestProblem & { status: 400 }> {
  const bad = (message: string) => err({ status: 400 as const, message });
  const body = parseBodyObject(text, BODY_FIELDS, EXAMPLE);
  if (!body.ok) return bad(body.error);
  const fields = body.value;

  const services = Object.hasOwn(fields, 'services') ? fields['services'] : undefined;
  if (services === undefined)
    return bad(`"services" is missing: name at least one service, as in ${EXAMPLE}`);
  if (!Array.isArray(services)) return bad(`"services" must be an array of service names`);
  if (services.length === 0)
    return bad(`"services" is empty: name at least one service (GET /services lists them)`);
  const badIndex = services.findIndex((s) => typeof s !== 'string' || s.length === 0);
  if (badIndex >= 0)
    return bad(`"services"[${badIndex}] must be a service name (a non-empty string)`);

  const waiting = parseWaitFields(fields);
  if (!waiting.ok) return bad(waiting.error);
  return ok({ services: [...new Set(services as string[])], ...waiting.value });
}

/** A POST body: a JSON object with only the endpoint's fields, or what is wrong with it. */
export function parseBodyObject(
  text: string,
  known: readonly string[],
  example: string,
): Result<Readonly<Record<string, unknown>>, string> {
  if (text.trim() === '') return err(`the body is empty; send JSON such as ${example}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (thrown) {
    return err(`the body is not JSON (${(thrown as Error).message}); send JSON such as ${example}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return err(`the body must be a JSON object such as ${example}`);
  const unknown = Object.keys(json).find((k) => !known.includes(k));
  if (unknown !== undefined)
    return err(`unknown field "${clip(unknown)}"; fields: ${known.join(', ')}`);
  return ok(json as Record<string, unknown>);
}

/**
 * `wait` and `timeoutMs` of a POST body (/services/… and /scale): absent, the defaults; present,
 * well-typed. `null` is refused like any other wrong type: it is what a client's unset variable
 * serialises to, and waiting DEFAULT_WAIT_MS in its place (when it may have meant "no limit" or
 * "don't wait") would be a guess that looks like an answer.
 */
export function parseWaitFields(
  fields: Readonly<Record<string, unknown>>,
): Result<{ readonly wait: boolean; readonly timeoutMs: number }, string> {
  const wait = Object.hasOwn(fields, 'wait') ? fields['wait'] : true;
  if (typeof wait !== 'boolean') return err(`"wait" must be true or false`);
  const timeoutMs = Object.hasOwn(fields, 'timeoutMs') ? fields['timeoutMs'] : DEFAULT_WAIT_MS;
  if (
    typeof timeoutMs !== 'number' ||
    !Number.isInteger(timeoutMs) ||
    timeoutMs < 1 ||
    timeoutMs > MAX_WAIT_MS
  )
    return err(`"timeoutMs" must be a whole number of milliseconds from 1 to ${MAX_WAIT_MS}`);
  return ok({ wait, timeoutMs });
}

function isAction(name: string): name is ControlAction {
  return (CONTROL_ACTIONS as readonly string[]).includes(name);
}

/** Echoed input stays short: a 60 kB name in an error helps nobody. */
function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** Why one service's action did not end well. */
export const SERVICE_FAILURES = [
  /** It exited (or failed to start) instead of getting ready. */
  'crashed',
  /** It cannot run here (a missing tool, a taken port, no Docker): the message says which. */
  'unavailable',
  /** A dependency it needs cannot run. */
  'blocked',
  /** Someone stopped it before it was ready. */
  'stopped',
  /** Not ready within the request's timeoutMs. */
  'timeout',
  /** devenv began stopping the whole stack. */
  'shutting-down',
] as const;
export type ServiceFailure = (typeof SERVICE_FAILURES)[number];

/** One service's outcome, as process-compose reports batch commands: `{name: {ok, …}}`. */
export type ServiceResult =
  | {
      readonly ok: true;
      readonly phase: string;
      readonly pid: number | null;
      readonly restarts: number;
      readonly message: string;
    }
  | {
      readonly ok: false;
      readonly reason: ServiceFailure;
      readonly phase: string;
      readonly pid: number | null;
      readonly restarts: number;
      readonly message: string;
    };

const serviceResultSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    phase: z.string(),
    pid: z.number().nullable(),
    restarts: z.number(),
    message: z.string(),
  }),
  z.object({
    ok: z.literal(false),
    reason: z.enum(SERVICE_FAILURES),
    phase: z.string(),
    pid: z.number().nullable(),
    restarts: z.number(),
    message: z.string(),
  }),
]);

/** 200 to POST /services/{action}: every named service's result, in start order. */
export const actionAnswerSchema = z.object({
  action: z.enum(CONTROL_ACTIONS),
  results: z.record(z.string(), serviceResultSchema),
});
export type ActionAnswer = z.infer<typeof actionAnswerSchema>;

/** 200 to GET /services: the running stack's services in start order. */
export const serviceListSchema = z.object({
  project: z.string(),
  services: z.array(
    z.object({
      name: z.string(),
      phase: z.string(),
      pid: z.number().nullable(),
      restarts: z.number(),
      /** `devenv pause`d; absent from a devenv older than `devenv pause`. */
      paused: z.boolean().optional(),
    }),
  ),
});
export type ServiceList = z.infer<typeof serviceListSchema>;

/**
 * 200 to GET /state: the engine state the state file also holds, live (the file trails it by up to
 * 200 ms). Checked only as far as `devenv ps` reads it; a newer devenv may add fields.
 */
export const stateAnswerSchema = z.object({
  project: z.string(),
  state: z.looseObject({
    order: z.array(z.string()),
    services: z.record(z.string(), z.looseObject({ phase: z.string(), restarts: z.number() })),
  }),
});
export interface StateAnswer {
  readonly project: string;
  readonly state: EngineState;
}

/** Every non-200 answer; 404 for names the running stack lacks also lists what it has. */
export const errorAnswerSchema = z.object({
  error: z.string(),
  unknown: z.array(z.string()).optional(),
  services: z.array(z.string()).optional(),
});
export type ErrorAnswer = z.infer<typeof errorAnswerSchema>;

/**
 * 200 to GET /services/{name}/exec: how a command joins the service's running instance. Natively
 * the process's own environment (what devenv gave it, read back from the process) and working
 * directory; in a container its id (`docker exec` brings the container's environment).
 */
export const execTargetSchema = z.object({
  name: z.string(),
  phase: z.string(),
  runtime: z.enum(['native', 'docker']).nullable(),
  pid: z.number().nullable(),
  containerId: z.string().nullable(),
  cwd: z.string().nullable(),
  environment: z.record(z.string(), z.string()),
  /** Why the environment could not be read (the process is gone, no /proc here). */
  problem: z.string().nullable(),
});
export type ExecTarget = z.infer<typeof execTargetSchema>;
