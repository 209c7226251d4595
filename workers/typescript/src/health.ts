import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Port of /healthz and /readyz (the metrics endpoint is the SDK core's, which takes no routes). */
export const DEFAULT_HEALTH_PORT = 7081;

export type Readiness =
  | { readonly ready: true; readonly detail?: object }
  | { readonly ready: false; readonly reason: string };

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
export async function startHealthServer(options: {
  readonly host: string;
  readonly port: number;
  readonly check: () => Promise<Readiness>;
  readonly reload?: (body: string) => Promise<ReloadAnswer>;
}): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? '/').split('?')[0];
    const { reload } = options;
    if (path === '/reload' && reload) {
      if (req.method !== 'POST') return reply(405, { error: 'POST only' });
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
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, { error: 'GET only' });
    if (path === '/healthz') return reply(200, { status: 'ok' });
    if (path === '/readyz') {
      options.check().then(
        (r) =>
          r.ready
            ? reply(200, { status: 'ready', ...r.detail })
            : reply(503, { status: 'not-ready', reason: r.reason }),
        (error: unknown) => reply(503, { status: 'not-ready', reason: String(error) }),
      );
      return;
    }
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
