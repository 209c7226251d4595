import { randomUUID } from 'node:crypto';
import { METHODS as METHODS_NODE_PARSES } from 'node:http';
import rateLimit from '@fastify/rate-limit';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
} from 'fastify';
import { isDevenvProbe, probeLogLevels } from '../../../devenv/shared/probe-request.js';
import type { ServerContext } from './context.js';
import { internalError, sendError } from './errors.js';
import { fastifyError, writeClientError } from './fastify-errors.js';
import { refusal } from './request-gate.js';
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

/** The HTTP API on fastify. Not listening yet: the caller (server.ts, tests) decides where. */
export async function buildHttpApp(ctx: ServerContext): Promise<FastifyInstance> {
  const app = createFastify(ctx);
  acceptJsonBodiesOnly(app);
  for (const method of METHODS) {
    if (!FASTIFY_DEFAULT_METHODS.has(method)) app.addHttpMethod(method);
  }
  if (ctx.config.rateLimitPerMinute > 0)
    await registerRateLimit(app, ctx.config.rateLimitPerMinute);
  addRequestHooks(app, ctx);
  addErrorHandlers(app);

  const methodsByPath = recordRouteMethods(app);
  registerProbeRoutes(app, ctx);
  registerStartRoutes(app, ctx);
  registerWorkflowRoutes(app, ctx);
  registerReminderRoutes(app, ctx);
  answerOtherMethods(app, methodsByPath);
  return app;
}

function createFastify(ctx: ServerContext): FastifyInstance {
  return Fastify({
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
}

function acceptJsonBodiesOnly(app: FastifyInstance): void {
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
}

async function registerRateLimit(app: FastifyInstance, perMinute: number): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    max: perMinute,
    timeWindow: 60_000,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      code: 'DISPATCHER_RATE_LIMITED',
      message: `rate limit of ${context.max} requests per minute exceeded; retry in ${context.after}`,
    }),
  });
}

/** The request id header, the gate (request-gate.ts), and one log line and metric per request. */
function addRequestHooks(app: FastifyInstance, ctx: ServerContext): void {
  const logLevelOf = probeLogLevels();
  app.decorateRequest('outcome', null);
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    const refused = refusal(ctx, request, reply);
    if (refused !== undefined) return sendError(reply, refused);
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
    // devenv's probes every 5 s would be most of an idle stack's log: logged only when they fail.
    const failure = `${request.method} ${route} ${reply.statusCode}`;
    const level = logLevelOf(isDevenvProbe(request.headers), reply.statusCode, failure);
    if (level === undefined) return;
    request.log[level](
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
}

function addErrorHandlers(app: FastifyInstance): void {
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
}

/** The methods of each path, as routes are added after this call. */
function recordRouteMethods(app: FastifyInstance): ReadonlyMap<string, ReadonlySet<string>> {
  const methodsByPath = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const known = methodsByPath.get(route.url) ?? new Set<string>();
    for (const m of methods) known.add(m);
    methodsByPath.set(route.url, known);
  });
  return methodsByPath;
}

/** Every path answers the other methods with 405 and an Allow header rather than a bare 404. */
function answerOtherMethods(
  app: FastifyInstance,
  methodsByPath: ReadonlyMap<string, ReadonlySet<string>>,
): void {
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
}
