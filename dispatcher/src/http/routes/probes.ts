import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { RETRY_AFTER_S, sendError } from '../errors.js';
import { buildOpenApi } from '../openapi.js';

/** `/healthz` (process up), `/readyz` (Temporal reachable, namespace exists), `/metrics`, `/openapi.json`. */
export function registerProbeRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const open = { config: { public: true, rateLimit: false } };

  app.get('/healthz', open, async () => ({ status: 'ok' }));

  app.get('/readyz', open, async (_request, reply) => {
    if (ctx.lifecycle.closing) {
      return sendError(reply, {
        status: 503,
        error: 'shutting-down',
        message: 'the dispatcher is shutting down',
        headers: { 'retry-after': String(RETRY_AFTER_S) },
      });
    }
    const ready = await ctx.readiness();
    if (!ready.ready) {
      return sendError(reply, {
        status: 503,
        error: 'temporal-unavailable',
        message: ready.detail,
        headers: { 'retry-after': String(RETRY_AFTER_S) },
      });
    }
    return { status: 'ready', namespace: ctx.temporal.namespace };
  });

  app.get('/metrics', open, async (_request, reply) =>
    reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics()),
  );

  const document = buildOpenApi();
  app.get('/openapi.json', open, async () => document);
}
