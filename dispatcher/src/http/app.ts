import { randomUUID } from 'node:crypto';
import { METHODS as METHODS_NODE_PARSES } from 'node:http';
import type { Socket } from 'node:net';
import rateLimit from '@fastify/rate-limit';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
} from 'fastify';
import { bearerMatches } from './auth.js';
import { checkHost, checkOrigin, isJsonContentType } from './request-guard.js';
import type { ServerContext } from './context.js';
import { internalError, RETRY_AFTER_S, sendError, type ApiError } from './errors.js';
import { registerProbeRoutes } from './routes/probes.js';
import { registerReminderRoutes } from './routes/reminders.js';
import { registerStartRoutes } from './routes/starts.js';
import { registerWorkflowRoutes } from './routes/workflows.js';

/** Every method Node parses except CONNECT (a proxy tunnel, not a request for a resource). */
const METHODS = METHODS_NODE_PARSES.filter((m) => m !== 'CONNECT');
/** What fastify routes out of the box; the rest are added so they reach the 405 routes too. */
const FASTIFY_DEFAULT_METHODS = new Set([
  'GET',
  'HEAD',
  'TRACE',
  'DELETE',
  'OPTIONS',
  'PATCH',
  'PUT',
  'POST',
  'QUERY',
]);
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Fastify's own 4xx errors, renamed to the API's reasons. */
const FASTIFY_REASONS: Readonly<Record<string, { status: number; error: string }>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, error: 'invalid-json' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, error: 'invalid-json' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, error: 'body-too-large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, error: 'unsupported-media-type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, error: 'invalid-content-length' },
  FST_ERR_BAD_URL: { status: 400, error: 'invalid-url' },
};

/** The HTTP API on fastify. Not listening yet: the caller (server.ts, tests) decides where. */
export async function buildHttpApp(ctx: ServerContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    // One line per request (below, with route and status) instead of fastify's two.
    logController: new LogController({
      disableRequestLogging: true,
      requestIdLogLabel: 'request_id',
    }),
    bodyLimit: ctx.config.bodyLimitBytes,
    // A workflow ID may have 1000 bytes, i.e. up to 3000 characters percent-encoded.
    routerOptions: { maxParamLength: 3100 },
    // Our onRequest hook answers in the API's error format, with Retry-After.
    return503OnClosing: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    frameworkErrors: (error, _request, reply) => {
      sendError(reply, fastifyError(error) ?? internalError());
    },
    clientErrorHandler: writeClientError,
  });

  // JSON only: the default text/plain parser would let a string body through to a route.
  app.removeContentTypeParser('text/plain');
  // An empty JSON body is no body: `POST …?name=Ada` with `Content-Type: application/json` is the
  // seeds' form; the Content-Type is what a web page's form cannot send.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text === '') return done(null, undefined);
    return parseJson(request, text, done);
  });
  for (const method of METHODS) {
    if (!FASTIFY_DEFAULT_METHODS.has(method)) app.addHttpMethod(method);
  }

  if (ctx.config.rateLimitPerMinute > 0) {
    await app.register(rateLimit, {
      global: true,
      max: ctx.config.rateLimitPerMinute,
      timeWindow: 60_000,
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        code: 'DISPATCHER_RATE_LIMITED',
        message: `rate limit of ${context.max} requests per minute exceeded; retry in ${context.after}`,
      }),
    });
  }

  app.decorateRequest('outcome', null);
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    if (ctx.lifecycle.closing && !request.routeOptions.config.public) {
      void reply.header('connection', 'close');
      return sendError(reply, {
        status: 503,
        error: 'shutting-down',
        message: 'the dispatcher is shutting down; retry',
        headers: { 'retry-after': String(RETRY_AFTER_S) },
      });
    }
    if (!checkOrigin(request.headers.origin, request.headers.host)) {
      return sendError(reply, {
        status: 403,
        error: 'cross-origin',
        message: `requests from ${String(request.headers.origin)} are refused: the dispatcher answers only its own origin and clients that send no Origin (curl, SDKs)`,
      });
    }
    // The probes and /metrics answer any Host: kubelet and Prometheus address a pod by its IP.
    if (request.routeOptions.config.public) return;
    const host = checkHost(request.headers.host, ctx.config.allowedHosts);
    if (!host.ok)
      return sendError(reply, { status: 403, error: 'host-not-allowed', message: host.message });
    const token =
      ctx.config.token ?? (mutating(request.method) ? ctx.config.sessionToken : undefined);
    if (token !== undefined && !bearerMatches(request.headers.authorization, token)) {
      void reply.header('www-authenticate', 'Bearer');
      return sendError(reply, {
        status: 401,
        error: 'unauthorized',
        message:
          ctx.config.token === undefined
            ? 'this dispatcher runs under devenv: send its session token, `Authorization: Bearer $(npx devenv env --token)`'
            : 'a valid bearer token is required (DISPATCHER_TOKEN)',
      });
    }
    if (request.method === 'POST' && !isJsonContentType(request.headers['content-type'])) {
      return sendError(reply, {
        status: 415,
        error: 'unsupported-media-type',
        message:
          'a POST needs Content-Type: application/json (a JSON body, or none with the fields as query parameters); form posts are refused so that no web page can start or cancel workflows',
      });
    }
  });

  // Responses finished during shutdown close their connection: a keep-alive socket left open
  // would hold the server's close() until the grace period runs out.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (ctx.lifecycle.closing) void reply.header('connection', 'close');
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const labels = { method: request.method, route, status: String(reply.statusCode) };
    ctx.metrics.httpRequests.inc(labels);
    ctx.metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
    request.log.info(
      {
        method: request.method,
        route,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        // What the route did (workflow id, run id, type), so one line carries both ids.
        ...request.outcome,
      },
      'request completed',
    );
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = fastifyError(error);
    if (known) return sendError(reply, known);
    request.log.error({ err: error }, 'unhandled error');
    return sendError(reply, internalError());
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(reply, {
      status: 404,
      error: 'route-not-found',
      message: `no route ${request.method} ${request.url.split('?')[0]}`,
    }),
  );

  // Every path answers the other methods with 405 and an Allow header rather than a bare 404.
  const methodsByPath = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const known = methodsByPath.get(route.url) ?? new Set<string>();
    for (const m of methods) known.add(m);
    methodsByPath.set(route.url, known);
  });

  registerProbeRoutes(app, ctx);
  registerStartRoutes(app, ctx);
  registerWorkflowRoutes(app, ctx);
  registerReminderRoutes(app, ctx);

  for (const [url, allowed] of [...methodsByPath]) {
    const others = METHODS.filter((m) => !allowed.has(m) && !(m === 'HEAD' && allowed.has('GET')));
    if (others.length === 0) continue;
    const allow = [...allowed].sort().join(', ');
    app.route({
      method: others,
      url,
      config: { public: true, rateLimit: false },
      // Answered before the body is parsed: a wrong method is the error, whatever the body.
      onRequest: async (_request, reply) =>
        sendError(reply, {
          status: 405,
          error: 'method-not-allowed',
          message: `use ${allow}`,
          headers: { allow },
        }),
      handler: async () => undefined,
    });
  }
  return app;
}

/** Methods that change something: with only devenv's session token set, these need it. */
function mutating(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
}

function fastifyError(error: FastifyError): ApiError | undefined {
  const known = error.code ? FASTIFY_REASONS[error.code] : undefined;
  if (known) return { ...known, message: error.message };
  const status = error.statusCode ?? 500;
  if (status === 429) {
    return { status, error: 'rate-limited', message: error.message };
  }
  // Fastify's other client errors (e.g. a poisoned __proto__ key) carry safe messages.
  if (status >= 400 && status < 500)
    return { status, error: 'bad-request', message: error.message };
  return undefined;
}

/** Errors Node's HTTP parser raises before fastify sees a request: still JSON, still 4xx. */
function writeClientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [status, text] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout']
        : [400, 'Bad Request'];
  const body = JSON.stringify({
    error:
      status === 431 ? 'headers-too-large' : status === 408 ? 'request-timeout' : 'bad-request',
    message: text,
    request_id: randomUUID(),
  });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
