import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerMatches } from './auth.js';
import type { ServerContext } from './context.js';
import { RETRY_AFTER_S, type ApiError } from './errors.js';
import { checkHost, checkOrigin, isJsonContentType } from './request-guard.js';

/**
 * Why a request is answered before its route runs (shutting down, foreign origin or host, no
 * token, a POST that is not JSON), if it is; sets the headers that go with the refusal.
 */
export function refusal(
  ctx: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
): ApiError | undefined {
  if (ctx.lifecycle.closing && !request.routeOptions.config.public) {
    void reply.header('connection', 'close');
    return {
      status: 503,
      error: 'shutting-down',
      message: 'the dispatcher is shutting down; retry',
      headers: { 'retry-after': String(RETRY_AFTER_S) },
    };
  }
  if (!checkOrigin(request.headers.origin, request.headers.host)) {
    return {
      status: 403,
      error: 'cross-origin',
      message: `requests from ${String(request.headers.origin)} are refused: the dispatcher answers only its own origin and clients that send no Origin (curl, SDKs)`,
    };
  }
  // The probes and /metrics answer any Host: kubelet and Prometheus address a pod by its IP.
  if (request.routeOptions.config.public) return undefined;
  const host = checkHost(request.headers.host, ctx.config.allowedHosts);
  if (!host.ok) return { status: 403, error: 'host-not-allowed', message: host.message };
  return unauthorized(ctx, request, reply) ?? notJson(request);
}

function unauthorized(
  ctx: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
): ApiError | undefined {
  const token =
    ctx.config.token ?? (mutating(request.method) ? ctx.config.sessionToken : undefined);
  if (token === undefined || bearerMatches(request.headers.authorization, token)) return undefined;
  void reply.header('www-authenticate', 'Bearer');
  return {
    status: 401,
    error: 'unauthorized',
    message:
      ctx.config.token === undefined
        ? 'this dispatcher runs under devenv: send its session token, `Authorization: Bearer $(npx devenv env --token)`'
        : 'a valid bearer token is required (DISPATCHER_TOKEN)',
  };
}

function notJson(request: FastifyRequest): ApiError | undefined {
  if (request.method !== 'POST' || isJsonContentType(request.headers['content-type'])) {
    return undefined;
  }
  return {
    status: 415,
    error: 'unsupported-media-type',
    message:
      'a POST needs Content-Type: application/json (a JSON body, or none with the fields as query parameters); form posts are refused so that no web page can start or cancel workflows',
  };
}

/** Methods that change something: with only devenv's session token set, these need it. */
function mutating(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
}
