import { request as httpRequest, type IncomingMessage } from 'node:http';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import type { ControlClientFailure } from './control-client.js';
import type { ServiceEvent } from './events-derive.js';
import { serviceEventSchema } from './events-protocol.js';
import { errorAnswerSchema } from './protocol.js';
import { statsAnswerSchema, type StatsAnswer } from './stats-protocol.js';

/** GET /events or /stats with the names as `service=` parameters. */
function watchPath(kind: 'events' | 'stats', services: readonly string[]): string {
  const query = new URLSearchParams(
    services.map((name): [string, string] => ['service', name]),
  ).toString();
  return query === '' ? `/${kind}` : `/${kind}?${query}`;
}

/** Opens GET path; resolves with the 200 response, or devenv's refusal or silence as a failure. */
function open(
  socketPath: string,
  path: string,
  timeoutMs: number,
): Promise<Result<IncomingMessage, ControlClientFailure>> {
  return new Promise((resolve) => {
    const req = httpRequest({ socketPath, method: 'GET', path, agent: false }, (response) => {
      req.setTimeout(0);
      if (response.statusCode === 200) return resolve(ok(response));
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve(err(refusal(response.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')))),
      );
    });
    req.setTimeout(timeoutMs, () => {
      req.destroy();
      resolve(err({ reason: 'no-answer', path: socketPath, message: 'no answer in time' }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED')
        resolve(err({ reason: 'unreachable', path: socketPath, code: error.code }));
      else resolve(err({ reason: 'no-answer', path: socketPath, message: messageOf(error) }));
    });
    req.end();
  });
}

function refusal(status: number, text: string): ControlClientFailure {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const error = errorAnswerSchema.safeParse(json);
  const message = error.success ? error.data.error : text.slice(0, 200);
  if (status === 404 && error.success && error.data.unknown)
    return {
      reason: 'unknown-service',
      message,
      unknown: error.data.unknown,
      services: error.data.services ?? [],
    };
  return { reason: 'refused', status, message };
}

/**
 * GET /events: calls `onEvent` for each event as devenv sends it; resolves once the stream ends
 * (the stack stopped, or its devenv went away: both end what there is to follow), or at once
 * with why it could not begin.
 */
export async function streamEvents(
  socketPath: string,
  services: readonly string[],
  onEvent: (event: ServiceEvent) => void,
): Promise<Result<void, ControlClientFailure>> {
  const opened = await open(socketPath, watchPath('events', services), 10_000);
  if (!opened.ok) return opened;
  const response = opened.value;
  let pending = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const event = serviceEventSchema.safeParse(safeJson(line));
      if (event.success) onEvent(event.data);
    }
  });
  await new Promise<void>((resolve) => {
    response.once('end', resolve);
    response.once('close', resolve);
    response.once('error', () => resolve());
  });
  return ok(undefined);
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/** GET /stats: one sample of each running instance named (all when none are). */
export async function requestStats(
  socketPath: string,
  services: readonly string[],
): Promise<Result<StatsAnswer, ControlClientFailure>> {
  const opened = await open(socketPath, watchPath('stats', services), 30_000);
  if (!opened.ok) return opened;
  const chunks: Buffer[] = [];
  for await (const chunk of opened.value as AsyncIterable<Buffer>) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  const parsed = statsAnswerSchema.safeParse(safeJson(text));
  return parsed.success
    ? ok(parsed.data)
    : err({
        reason: 'no-answer',
        path: socketPath,
        message: `an answer of another shape: ${text.slice(0, 200)}`,
      });
}
