import { randomUUID } from 'node:crypto';
import {
  Metadata,
  status as GrpcStatus,
  type MethodDefinition,
  type ServerUnaryCall,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { messageOf, type Result } from '../../../devenv/shared/result.js';
import type { ServerContext } from '../http/context.js';
import { bearerMatches } from '../http/auth.js';
import { peerAddress, rateWindow, type RateWindow } from '../rate-window.js';
import type { GrpcError } from './grpc-error.js';

/**
 * A request whose bytes are not the method's message. grpc-js answers a deserializer that throws
 * with INTERNAL; the caller sent something wrong, so it gets INVALID_ARGUMENT instead.
 */
class Undecodable {
  constructor(readonly reason: string) {}
}

/** The service definition, with deserializers that return Undecodable instead of throwing. */
export function lenientDefinition<D extends Record<string, MethodDefinition<unknown, unknown>>>(
  definition: D,
): D {
  return Object.fromEntries(
    Object.entries(definition).map(([name, method]) => [
      name,
      {
        ...method,
        requestDeserialize: (bytes: Buffer) => {
          try {
            return method.requestDeserialize(bytes);
          } catch (thrown) {
            return new Undecodable(messageOf(thrown));
          }
        },
      },
    ]),
  ) as D;
}

/** One method's work: the response, or the error to send. */
export type UnaryImpl<Req, Res> = (
  request: Req,
  correlationId: string,
) => Promise<Result<Res, GrpcError>>;

/** Metrics, rate limit, auth, logging and error mapping around one unary method. */
export type UnaryWrapper = <Req, Res>(
  method: string,
  fn: UnaryImpl<Req, Res>,
  options: { readonly mutating: boolean },
) => (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void;

/** The wrapper every Dispatcher method goes through, with the HTTP API's rate per client. */
export function unaryWrapper(ctx: ServerContext): UnaryWrapper {
  const limit =
    ctx.config.rateLimitPerMinute > 0
      ? rateWindow(ctx.config.rateLimitPerMinute, 60_000)
      : undefined;
  return (method, fn, { mutating }) =>
    (call, callback) => {
      const finish = callFinisher(ctx, method, callback);
      const refused = refusal(ctx, limit, call, method, mutating);
      if (refused !== undefined) return finish(refused.code, refused);
      fn(call.request, finish.correlationId).then(
        (result) =>
          result.ok
            ? finish(GrpcStatus.OK, undefined, result.value)
            : finish(result.error.code, result.error),
        (thrown: unknown) => {
          ctx.logger.error(
            { err: thrown, grpc_method: method, request_id: finish.correlationId },
            'grpc handler threw',
          );
          finish(GrpcStatus.INTERNAL, {
            code: GrpcStatus.INTERNAL,
            details: `unexpected error (correlation id ${finish.correlationId})`,
          });
        },
      );
    };
}

/** Ends one call: counts and times it, logs it, and answers with the value or the error. */
function callFinisher<Res>(ctx: ServerContext, method: string, callback: sendUnaryData<Res>) {
  const started = process.hrtime.bigint();
  const correlationId = randomUUID();
  const finish = (code: GrpcStatus, error?: GrpcError, value?: Res): void => {
    const labels = { method, code: GrpcStatus[code] ?? String(code) };
    ctx.metrics.grpcRequests.inc(labels);
    ctx.metrics.grpcDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    ctx.logger.info(
      { grpc_method: method, code: labels.code, request_id: correlationId },
      'grpc call completed',
    );
    if (error) {
      const trailer = new Metadata();
      trailer.set('x-request-id', correlationId);
      callback({ code: error.code, details: error.details, metadata: trailer });
    } else callback(null, value);
  };
  return Object.assign(finish, { correlationId });
}

/** Why a call is answered before its method runs (shutting down, undecodable, rate, auth), if so. */
function refusal(
  ctx: ServerContext,
  limit: RateWindow | undefined,
  call: ServerUnaryCall<unknown, unknown>,
  method: string,
  mutating: boolean,
): GrpcError | undefined {
  if (ctx.lifecycle.closing) {
    return { code: GrpcStatus.UNAVAILABLE, details: 'shutting down; retry' };
  }
  if (call.request instanceof Undecodable) {
    return {
      code: GrpcStatus.INVALID_ARGUMENT,
      details: `the request is not a ${method}Request message: ${call.request.reason}`,
    };
  }
  const taken = limit?.take(peerAddress(call.getPeer()));
  if (taken?.allowed === false) {
    return {
      code: GrpcStatus.RESOURCE_EXHAUSTED,
      details: `rate limit of ${ctx.config.rateLimitPerMinute} requests per minute exceeded; retry in ${Math.ceil(taken.retryMs / 1000)} s`,
    };
  }
  return unauthenticated(ctx, call, mutating);
}

/**
 * As over HTTP: DISPATCHER_TOKEN guards every call, devenv's session token the mutating ones.
 * No Host or Origin check: a browser cannot speak gRPC over plaintext HTTP/2 (h2c).
 */
function unauthenticated(
  ctx: ServerContext,
  call: ServerUnaryCall<unknown, unknown>,
  mutating: boolean,
): GrpcError | undefined {
  const token = ctx.config.token ?? (mutating ? ctx.config.sessionToken : undefined);
  if (token === undefined) return undefined;
  const header = call.metadata.get('authorization')[0];
  if (bearerMatches(typeof header === 'string' ? header : undefined, token)) return undefined;
  return {
    code: GrpcStatus.UNAUTHENTICATED,
    details:
      ctx.config.token === undefined
        ? 'this dispatcher runs under devenv: send its session token as `authorization: Bearer …` (npx devenv env --token)'
        : 'a valid bearer token is required (DISPATCHER_TOKEN)',
  };
}
