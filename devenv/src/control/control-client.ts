import { request as httpRequest } from 'node:http';
import type { z } from 'zod';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import {
  actionAnswerSchema,
  errorAnswerSchema,
  execTargetSchema,
  serviceListSchema,
  stateAnswerSchema,
  type ActionAnswer,
  type ActRequest,
  type ExecTarget,
  type ServiceList,
  type StateAnswer,
} from './protocol.js';
import { scaleAnswerSchema, type ScaleAnswer, type ScaleRequest } from './scale-protocol.js';
import { signalAnswerSchema, type SignalAnswer, type SignalRequest } from './signal-protocol.js';
import { waitAnswerSchema, type WaitAnswer } from './wait-protocol.js';

export type ControlClientFailure =
  /** Nothing listens on the socket (ENOENT, ECONNREFUSED): no devenv, or one that was killed. */
  | { readonly reason: 'unreachable'; readonly path: string; readonly code: string }
  /** The running stack has no service of that name. */
  | {
      readonly reason: 'unknown-service';
      readonly message: string;
      readonly unknown: readonly string[];
      readonly services: readonly string[];
    }
  /** devenv answered with an error (it is stopping, or it found the request malformed). */
  | { readonly reason: 'refused'; readonly status: number; readonly message: string }
  /** The connection broke, timed out, or the answer was not what this devenv expects. */
  | { readonly reason: 'no-answer'; readonly path: string; readonly message: string };

/** GET /services: the running stack's services. */
export function listServices(
  path: string,
  timeoutMs = 10_000,
): Promise<Result<ServiceList, ControlClientFailure>> {
  return exchange(path, 'GET', '/services', undefined, serviceListSchema, timeoutMs);
}

/** GET /state: every service's state, live. */
export async function getState(
  path: string,
  timeoutMs = 2_000,
): Promise<Result<StateAnswer, ControlClientFailure>> {
  const got = await exchange(path, 'GET', '/state', undefined, stateAnswerSchema, timeoutMs);
  // The schema checks what `devenv ps` reads; the rest is the engine state as the server sent it.
  return got.ok ? ok(got.value as unknown as StateAnswer) : got;
}

/** GET /services/{name}/exec: where `devenv exec` runs a command for the service. */
export function getExecTarget(
  path: string,
  service: string,
  timeoutMs = 10_000,
): Promise<Result<ExecTarget, ControlClientFailure>> {
  const endpoint = `/services/${encodeURIComponent(service)}/exec`;
  return exchange(path, 'GET', endpoint, undefined, execTargetSchema, timeoutMs);
}

/** POST /services/{action}; waits as long as the request lets devenv wait, and a little more. */
export function requestAction(
  path: string,
  request: Omit<ActRequest, 'kind'>,
  answerTimeoutMs: number,
): Promise<Result<ActionAnswer, ControlClientFailure>> {
  const { action, ...body } = request;
  return exchange(
    path,
    'POST',
    `/services/${action}`,
    JSON.stringify(body),
    actionAnswerSchema,
    answerTimeoutMs,
  );
}

/** POST /services/{kill|pause|unpause}: answers once each service was signalled. */
export function requestSignal(
  path: string,
  request: SignalRequest,
  answerTimeoutMs = 60_000,
): Promise<Result<SignalAnswer, ControlClientFailure>> {
  const body = {
    services: request.services,
    ...(request.action === 'kill' ? { signal: request.signal } : {}),
  };
  return exchange(
    path,
    'POST',
    `/services/${request.action}`,
    JSON.stringify(body),
    signalAnswerSchema,
    answerTimeoutMs,
  );
}

/** POST /services/wait: answers once every named service's run has ended; no time limit. */
export function requestWait(
  path: string,
  services: readonly string[],
): Promise<Result<WaitAnswer, ControlClientFailure>> {
  return exchange(
    path,
    'POST',
    '/services/wait',
    JSON.stringify({ services }),
    waitAnswerSchema,
    // setTimeout's largest delay (~24.8 days): in effect, none.
    2 ** 31 - 1,
  );
}

/** POST /scale; waits as long as the request lets devenv wait for new replicas, and more. */
export function requestScale(
  path: string,
  request: Omit<ScaleRequest, 'kind'>,
  answerTimeoutMs: number,
): Promise<Result<ScaleAnswer, ControlClientFailure>> {
  return exchange(
    path,
    'POST',
    '/scale',
    JSON.stringify(request),
    scaleAnswerSchema,
    answerTimeoutMs,
  );
}

function exchange<T>(
  socketPath: string,
  method: 'GET' | 'POST',
  path: string,
  body: string | undefined,
  schema: z.ZodType<T>,
  timeoutMs: number,
): Promise<Result<T, ControlClientFailure>> {
  return new Promise((resolve) => {
    const noAnswer = (message: string) =>
      resolve(err({ reason: 'no-answer', path: socketPath, message }));
    const req = httpRequest(
      {
        socketPath,
        method,
        path,
        // A fresh connection, closed after the answer: nothing keeps this process alive.
        agent: false,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => noAnswer(messageOf(error)));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve(readAnswer(response.statusCode ?? 0, text, schema, socketPath));
        });
      },
    );
    req.on('timeout', () => {
      req.destroy();
      noAnswer(`no answer within ${Math.round(timeoutMs / 1000)} s`);
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED')
        resolve(err({ reason: 'unreachable', path: socketPath, code: error.code }));
      else noAnswer(messageOf(error));
    });
    req.end(body);
  });
}

/** What an HTTP answer means: the value on 200, else devenv's error as a failure. */
function readAnswer<T>(
  status: number,
  text: string,
  schema: z.ZodType<T>,
  socketPath: string,
): Result<T, ControlClientFailure> {
  const noAnswer = (message: string) =>
    err<ControlClientFailure>({ reason: 'no-answer', path: socketPath, message });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return noAnswer(`not JSON (HTTP ${status}): ${text.slice(0, 200)}`);
  }
  if (status === 200) {
    const parsed = schema.safeParse(json);
    return parsed.success
      ? ok(parsed.data)
      : noAnswer(`an answer of another shape: ${text.slice(0, 200)}`);
  }
  const error = errorAnswerSchema.safeParse(json);
  const message = error.success ? error.data.error : text.slice(0, 200);
  if (status === 404 && error.success && error.data.unknown)
    return err({
      reason: 'unknown-service',
      message,
      unknown: error.data.unknown,
      services: error.data.services ?? [],
    });
  return err({ reason: 'refused', status, message });
}
