import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  bearerMatches,
  isLoopbackHostHeader,
  isSameOrigin,
} from '../../../devenv/shared/control-request.js';
import { isDevenvProbe } from '../../../devenv/shared/probe-request.js';
import { failedProbeLog, type WarnLog } from './health-probe-log.js';
import { createLogger } from './logging.js';

/** Port of /healthz and /readyz (the metrics endpoint is the SDK core's, which takes no routes). */
export const DEFAULT_HEALTH_PORT = 7081;

export type Readiness =
  | { readonly ready: true; readonly detail?: object }
  | { readonly ready: false; readonly reason: string };

/**
 * Who may POST /reload: only the devenv that started this worker. It sends its session secret
 * (DEVENV_SESSION_TOKEN, which only it and the services it started know) to 127.0.0.1; a web page
 * (another Origin, or a rebound name in Host) or another local user cannot swap code in.
 */
export function reloadRefusal(
  headers: {
    readonly host?: string | undefined;
    readonly origin?: string | undefined;
    readonly authorization?: string | undefined;
  },
  token: string | undefined,
): { readonly status: 401 | 403; readonly error: string } | undefined {
  if (!isSameOrigin(headers.origin, headers.host))
    return { status: 403, error: `requests from ${headers.origin} are refused` };
  if (!isLoopbackHostHeader(headers.host))
    return { status: 403, error: 'POST /reload answers only at a loopback address (127.0.0.1)' };
  if (token === undefined || token === '')
    return {
      status: 403,
      error:
        'this worker has no DEVENV_SESSION_TOKEN: /reload takes requests only from the devenv that started it',
    };
  if (!bearerMatches(headers.authorization, token))
    return {
      status: 401,
      error:
        "a reload needs devenv's session token: Authorization: Bearer $(npx devenv env --token)",
    };
  return undefined;
}

/**
 * What POST /reload answers: 200 with the body, or the status with the error: 422 the new code
 * did not load (the old keeps serving), 400 a malformed request, 501 a change it cannot swap in.
 */
export type ReloadAnswer =
  | { readonly ok: true; readonly body: object }
  | { readonly ok: false; readonly status: 400 | 422 | 501; readonly error: string };

/** A reload request names changed files; more than this is not one. */
const MAX_RELOAD_BODY = 1 << 20;

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * `/healthz`: the process answers (liveness: restart only when this fails).
 * `/readyz`: `check()` says the worker is connected and polling (readiness: devenv's probe and
 * Kubernetes' readinessProbe). `POST /reload`, only when `reload` is given (HOT_RELOAD=1, devenv's
 * native run): swaps in the workflow or activity code as it is now. All answer JSON; anything
 * else is 404.
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const logger = options.warn ? undefined : createLogger('worker-typescript');
  const noteProbe = failedProbeLog(
    options.warn ?? ((fields, message) => logger?.warn(fields, message)),
  );
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const probe = isDevenvProbe(req.headers);
    const reply: Reply = (status, body) => {
      if (probe) noteProbe(path, status, body);
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    const { reload } = options;
    if (path === '/reload' && reload) return handleReload(req, res, reply, reload, options);
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, { error: 'GET only' });
    if (path === '/healthz') return reply(200, { status: 'ok' });
    if (path === '/readyz') return answerReadiness(options.check, reply);
    reply(404, { error: 'not found' });
  });
  // Probes must not keep a draining worker alive.
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface HealthServerOptions {
  readonly host: string;
  readonly port: number;
  readonly check: () => Promise<Readiness>;
  readonly reload?: (body: string) => Promise<ReloadAnswer>;
  /** The bearer token POST /reload requires (reloadRefusal); without one it refuses every call. */
  readonly reloadToken?: string | undefined;
  /** Where a failing devenv probe is reported (health-probe-log.ts); a logger of its own if none. */
  readonly warn?: WarnLog;
}

/** Sends one JSON answer. */
type Reply = (status: number, body: object) => void;

function answerReadiness(check: () => Promise<Readiness>, reply: Reply): void {
  check().then(
    (r) =>
      r.ready
        ? reply(200, { status: 'ready', ...r.detail })
        : reply(503, { status: 'not-ready', reason: r.reason }),
    (error: unknown) => reply(503, { status: 'not-ready', reason: String(error) }),
  );
}

/** POST /reload: refused unless devenv asks (reloadRefusal), else the body goes to `reload`. */
function handleReload(
  req: IncomingMessage,
  res: ServerResponse,
  reply: Reply,
  reload: (body: string) => Promise<ReloadAnswer>,
  options: { readonly reloadToken?: string | undefined },
): void {
  if (req.method !== 'POST') return reply(405, { error: 'POST only' });
  const refused = reloadRefusal(req.headers, options.reloadToken);
  if (refused) {
    // The body is not read: the connection closes rather than wait for it.
    res.setHeader('connection', 'close');
    if (refused.status === 401) res.setHeader('www-authenticate', 'Bearer');
    return reply(refused.status, { error: refused.error });
  }
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    body += chunk;
    if (body.length > MAX_RELOAD_BODY) {
      reply(413, { error: `a reload request is at most ${MAX_RELOAD_BODY} bytes` });
      req.destroy();
    }
  });
  req.on('end', () =>
    reload(body).then(
      (answer) =>
        answer.ok ? reply(200, answer.body) : reply(answer.status, { error: answer.error }),
      (error: unknown) => reply(500, { error: String(error) }),
    ),
  );
}
