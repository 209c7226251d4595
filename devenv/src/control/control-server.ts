import { lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { lazyHttpServer, type LazyHttpServer } from '../process/lazy-http-server.js';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import type { ActProblem, ControlActions } from './control-actions.js';
import type { WatchRequest } from './events-protocol.js';
import type { ErrorAnswer } from './protocol.js';
import { fallbackSocketDir, THIS_MACHINE, type SocketPlace } from './socket-path.js';

export interface ControlServer {
  readonly path: string;
  /** Stops listening and removes the socket; answers already on their way are finished first. */
  close(): Promise<void>;
}

export type ControlServerFailure =
  /** A live process answers on the socket: another devenv serves this state directory. */
  | { readonly reason: 'in-use'; readonly path: string }
  /** Something that is not a socket is at the path; devenv leaves it alone. */
  | { readonly reason: 'not-a-socket'; readonly path: string }
  /** The fallback directory for long paths is not private to this user. */
  | { readonly reason: 'unsafe-directory'; readonly path: string; readonly detail: string }
  | { readonly reason: 'listen-failed'; readonly path: string; readonly message: string };

export function describeControlServerFailure(failure: ControlServerFailure): string {
  switch (failure.reason) {
    case 'in-use':
      return `another process answers on ${failure.path}`;
    case 'not-a-socket':
      return `${failure.path} exists and is not a socket (remove it)`;
    case 'unsafe-directory':
      return `${dirname(failure.path)} ${failure.detail}`;
    case 'listen-failed':
      return `cannot listen on ${failure.path}: ${failure.message}`;
  }
}

/** Time for answers in flight (a restart waiting for readiness) to be written before close cuts them. */
const CLOSE_GRACE_MS = 2_000;

/**
 * Serves the control protocol (protocol.ts) on a Unix socket readable and writable by this user
 * only (a named pipe on Windows). A socket left by a devenv that was killed is replaced; a live
 * one, or anything else at the path, is not touched.
 */
export async function startControlServer(options: {
  readonly path: string;
  readonly actions: ControlActions;
  readonly place?: SocketPlace;
}): Promise<Result<ControlServer, ControlServerFailure>> {
  const { path, actions } = options;
  const place = options.place ?? THIS_MACHINE;
  const pipe = place.platform === 'win32';
  if (!pipe) {
    if (dirname(path) === fallbackSocketDir(place)) {
      const dir = privateDirectory(dirname(path), place.uid);
      if (!dir.ok) return err({ reason: 'unsafe-directory', path, detail: dir.error });
    }
    const cleared = await clearStaleSocket(path);
    if (!cleared.ok) return cleared;
  }
  const http = lazyHttpServer((request, response) => {
    void serve(actions, request, response).catch((thrown: unknown) =>
      answer(response, 500, { error: `internal error in devenv: ${messageOf(thrown)}` }),
    );
  });
  const server = http.listener;
  const listening = await new Promise<Result<void, ControlServerFailure>>((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      resolve(
        err(
          error.code === 'EADDRINUSE'
            ? { reason: 'in-use', path }
            : { reason: 'listen-failed', path, message: error.message },
        ),
      ),
    );
    server.once('listening', () => resolve(ok(undefined)));
    // The socket is created by the synchronous part of listen(): with this umask it is born
    // 0600, so there is no moment when another user could connect.
    const umask = pipe ? undefined : process.umask(0o177);
    try {
      server.listen(path);
    } finally {
      if (umask !== undefined) process.umask(umask);
    }
  });
  if (!listening.ok) return listening;
  // The stack, not this socket, decides how long devenv lives.
  server.unref();
  return ok({ path, close: () => closeServer(http) });
}

async function serve(
  actions: ControlActions,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  // At the first request, not with the server: the protocol's schemas (zod) would otherwise be
  // resident in every `up`, most of which never get a request.
  const { MAX_BODY_BYTES, parseControlRequest } = await import('./protocol.js');
  const body = await readBody(request, MAX_BODY_BYTES);
  if (body === undefined) {
    answer(response, 413, { error: `the body is over ${MAX_BODY_BYTES} bytes` });
    return;
  }
  const parsed = parseControlRequest({
    method: request.method ?? '',
    url: request.url ?? '',
    body,
  });
  if (!parsed.ok) {
    if (parsed.error.allow) response.setHeader('allow', parsed.error.allow);
    answer(response, parsed.error.status, { error: parsed.error.message });
    return;
  }
  if (parsed.value.kind === 'list') {
    answer(response, 200, actions.list());
    return;
  }
  if (parsed.value.kind === 'state') {
    answer(response, 200, actions.state());
    return;
  }
  if (parsed.value.kind === 'exec-target') {
    const target = actions.execTarget(parsed.value.service);
    if (target.ok) answer(response, 200, target.value);
    else answer(response, 404, unknownServiceAnswer(target.error));
    return;
  }
  if (parsed.value.kind === 'scale') {
    const scaled = await actions.scale(parsed.value);
    if (scaled.ok) answer(response, 200, scaled.value);
    else if (scaled.error.reason === 'shutting-down')
      answer(response, 503, { error: 'devenv is stopping the stack' });
    else answer(response, 400, { error: scaled.error.message });
    return;
  }
  if (parsed.value.kind === 'events' || parsed.value.kind === 'stats') {
    await serveWatch(actions, parsed.value, response);
    return;
  }
  const asked = parsed.value;
  const done = await (asked.kind === 'signal'
    ? actions.signal(asked)
    : asked.kind === 'wait'
      ? actions.wait(asked)
      : actions.act(asked));
  if (done.ok) answer(response, 200, done.value);
  else if (done.error.reason === 'shutting-down')
    answer(response, 503, { error: 'devenv is stopping the stack' });
  else answer(response, 404, unknownServiceAnswer(done.error));
}

/** `devenv stats` answers once; `devenv events` streams a JSON line per event until the stack stops. */
async function serveWatch(
  actions: ControlActions,
  request: WatchRequest,
  response: ServerResponse,
): Promise<void> {
  const refuse = (problem: ActProblem) =>
    problem.reason === 'shutting-down'
      ? answer(response, 503, { error: 'devenv is stopping the stack' })
      : answer(response, 404, unknownServiceAnswer(problem));
  if (request.kind === 'stats') {
    const stats = await actions.stats(request);
    if (stats.ok) answer(response, 200, stats.value);
    else refuse(stats.error);
    return;
  }
  const events = actions.events(request);
  if (!events.ok) {
    refuse(events.error);
    return;
  }
  response.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8' });
  response.flushHeaders();
  const stop = events.value.follow(
    (event) => response.write(`${JSON.stringify(event)}\n`),
    () => response.end(),
  );
  response.once('close', stop);
}

function unknownServiceAnswer(problem: {
  readonly unknown: readonly string[];
  readonly services: readonly string[];
}): ErrorAnswer {
  return {
    error: `no service named ${problem.unknown.map((n) => `"${n}"`).join(', ')} in the running stack; services: ${problem.services.join(', ')}`,
    unknown: [...problem.unknown],
    services: [...problem.services],
  };
}

/** The body as text, or undefined when it is too large to be a control request. */
async function readBody(request: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  response
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', connection: 'close' })
    .end(`${JSON.stringify(body)}\n`);
}

/** A socket file whose devenv died (SIGKILL, a crash) refuses connections: it is removed. */
async function clearStaleSocket(path: string): Promise<Result<void, ControlServerFailure>> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return ok(undefined);
  }
  if (!isSocket) return err({ reason: 'not-a-socket', path });
  const live = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (live) return err({ reason: 'in-use', path });
  try {
    unlinkSync(path);
  } catch (thrown) {
    if ((thrown as NodeJS.ErrnoException).code !== 'ENOENT')
      return err({ reason: 'listen-failed', path, message: messageOf(thrown) });
  }
  return ok(undefined);
}

/** /tmp/devenv-<uid>: made 0700 when missing; refused when it is someone else's or open to others. */
export function privateDirectory(dir: string, uid: number | undefined): Result<void, string> {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (thrown) {
    if ((thrown as NodeJS.ErrnoException).code !== 'EEXIST') return err(messageOf(thrown));
  }
  const stat = lstatSync(dir);
  if (!stat.isDirectory()) return err('is not a directory');
  if (uid !== undefined && stat.uid !== uid) return err(`belongs to uid ${stat.uid}, not ${uid}`);
  if ((stat.mode & 0o077) !== 0)
    return err(`is open to other users (mode ${(stat.mode & 0o777).toString(8)}); chmod 700 it`);
  return ok(undefined);
}

function closeServer(http: LazyHttpServer): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => http.closeAllConnections(), CLOSE_GRACE_MS);
    http.listener.close(() => {
      clearTimeout(force);
      resolve();
    });
    http.closeIdleConnections();
  });
}
