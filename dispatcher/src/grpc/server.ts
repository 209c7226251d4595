import { randomUUID } from 'node:crypto';
import { create, toJson, type Message } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  Metadata,
  Server,
  status as GrpcStatus,
  type MethodDefinition,
  type ServerUnaryCall,
  type sendUnaryData,
} from '@grpc/grpc-js';
import {
  CancelWorkflowResponseSchema,
  DescribeWorkflowResponseSchema,
  Dispatcher as DispatcherService,
  file_timecop_dispatcher_v1_dispatcher,
  GetWorkflowResultResponseSchema,
  StartWorkflowResponseSchema,
  WorkflowStatus,
  type CancelWorkflowRequest,
  type CancelWorkflowResponse,
  type DescribeWorkflowRequest,
  type DescribeWorkflowResponse,
  type GetWorkflowResultRequest,
  type GetWorkflowResultResponse,
  type StartWorkflowRequest,
  type StartWorkflowResponse,
} from '../../../protos/gen/ts/timecop/dispatcher/v1/dispatcher_pb.js';
import { file_grpc_health_v1_health } from '../../../protos/gen/ts/grpc/health/v1/health_pb.js';
import { grpcServiceDefinition } from '../../../protos/ts/grpc-service.js';
import { contractsRegistry } from '../../../protos/ts/registry.js';
import { err, messageOf, ok, type Result } from '../../../devenv/shared/result.js';
import { endpointByCase, endpointByResponseType } from '../catalog.js';
import type { DispatchFailure } from '../dispatch.js';
import type { ServerContext } from '../http/context.js';
import { bearerMatches } from '../http/auth.js';
import { isValidIdempotencyKey } from '../ids.js';
import { DEFAULT_MAX_STRING_LENGTH, parseMessage, type FieldError } from '../validation.js';
import { peerAddress, rateWindow } from '../rate-window.js';
import { DISPATCHER_SERVICE, HealthService } from './health.js';
import { addReflection } from './reflection.js';

/** A gRPC error to send: a status code and details for humans. */
interface GrpcError {
  readonly code: GrpcStatus;
  readonly details: string;
}

/**
 * A request whose bytes are not the method's message. grpc-js answers a deserializer that throws
 * with INTERNAL; the caller sent something wrong, so it gets INVALID_ARGUMENT instead.
 */
class Undecodable {
  constructor(readonly reason: string) {}
}

/** The service definition, with deserializers that return Undecodable instead of throwing. */
function lenientDefinition<D extends Record<string, MethodDefinition<unknown, unknown>>>(
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function invalid(errors: readonly FieldError[]): GrpcError {
  return {
    code: GrpcStatus.INVALID_ARGUMENT,
    details: errors
      .map((e) => (e.field === '' ? e.message : `${e.field}: ${e.message}`))
      .join('; '),
  };
}

function fromFailure(failure: DispatchFailure, correlationId: string): GrpcError {
  switch (failure.reason) {
    case 'workflow-not-found':
      return { code: GrpcStatus.NOT_FOUND, details: `no workflow execution ${failure.workflowId}` };
    case 'query-not-found':
      return { code: GrpcStatus.NOT_FOUND, details: `no query ${failure.query}` };
    case 'already-started':
      return {
        code: GrpcStatus.ALREADY_EXISTS,
        details: `workflow ${failure.workflowId} is already started`,
      };
    case 'idempotency-conflict':
      return {
        code: GrpcStatus.ALREADY_EXISTS,
        details: `idempotency_key was already used for a different request (workflow ${failure.workflowId})`,
      };
    case 'workflow-running':
      return {
        code: GrpcStatus.FAILED_PRECONDITION,
        details: `workflow ${failure.workflowId} is still running`,
      };
    case 'workflow-closed':
      return {
        code: GrpcStatus.FAILED_PRECONDITION,
        details: `workflow ${failure.workflowId} has already closed`,
      };
    case 'invalid-argument':
      return { code: GrpcStatus.INVALID_ARGUMENT, details: failure.detail };
    case 'temporal-unavailable':
      return { code: GrpcStatus.UNAVAILABLE, details: 'Temporal is not reachable; retry later' };
    case 'unexpected-error':
      return {
        code: GrpcStatus.INTERNAL,
        details: `unexpected error (correlation id ${correlationId})`,
      };
  }
}

function checkWorkflowRef(workflowId: string, runId: string): FieldError[] {
  const errors: FieldError[] = [];
  if (workflowId === '') errors.push({ field: 'workflow_id', message: 'must not be empty' });
  else if (!workflowId.isWellFormed() || Buffer.byteLength(workflowId) > 1000) {
    errors.push({ field: 'workflow_id', message: 'must be well-formed and at most 1000 bytes' });
  }
  if (runId !== '' && !UUID.test(runId))
    errors.push({ field: 'run_id', message: 'must be a run ID (UUID)' });
  return errors;
}

/**
 * The gRPC front door: `timecop.dispatcher.v1.Dispatcher` on the same Dispatcher (and so the same
 * Temporal client) as the HTTP routes, plus `grpc.health.v1` and server reflection.
 */
export function buildGrpcServer(ctx: ServerContext): { server: Server; health: HealthService } {
  // The HTTP API's limits: a message as large as a body may be, and the same rate per client.
  const server = new Server({ 'grpc.max_receive_message_length': ctx.config.bodyLimitBytes });
  const health = new HealthService(async () => (await ctx.readiness()).ready);
  const limit =
    ctx.config.rateLimitPerMinute > 0
      ? rateWindow(ctx.config.rateLimitPerMinute, 60_000)
      : undefined;

  /** Metrics, rate limit, auth, logging and error mapping around one unary method. */
  const unary =
    <Req, Res>(
      method: string,
      fn: (request: Req, correlationId: string) => Promise<Result<Res, GrpcError>>,
      { mutating }: { readonly mutating: boolean },
    ) =>
    (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
      const started = process.hrtime.bigint();
      const correlationId = randomUUID();
      const finish = (code: GrpcStatus, error?: GrpcError, value?: Res) => {
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
      if (ctx.lifecycle.closing) {
        return finish(GrpcStatus.UNAVAILABLE, {
          code: GrpcStatus.UNAVAILABLE,
          details: 'shutting down; retry',
        });
      }
      if (call.request instanceof Undecodable) {
        return finish(GrpcStatus.INVALID_ARGUMENT, {
          code: GrpcStatus.INVALID_ARGUMENT,
          details: `the request is not a ${method}Request message: ${call.request.reason}`,
        });
      }
      const taken = limit?.take(peerAddress(call.getPeer()));
      if (taken?.allowed === false) {
        return finish(GrpcStatus.RESOURCE_EXHAUSTED, {
          code: GrpcStatus.RESOURCE_EXHAUSTED,
          details: `rate limit of ${ctx.config.rateLimitPerMinute} requests per minute exceeded; retry in ${Math.ceil(taken.retryMs / 1000)} s`,
        });
      }
      // As over HTTP: DISPATCHER_TOKEN guards every call, devenv's session token the mutating ones.
      // No Host or Origin check: a browser cannot speak gRPC over plaintext HTTP/2 (h2c).
      const token = ctx.config.token ?? (mutating ? ctx.config.sessionToken : undefined);
      if (token !== undefined) {
        const header = call.metadata.get('authorization')[0];
        if (!bearerMatches(typeof header === 'string' ? header : undefined, token)) {
          return finish(GrpcStatus.UNAUTHENTICATED, {
            code: GrpcStatus.UNAUTHENTICATED,
            details:
              ctx.config.token === undefined
                ? 'this dispatcher runs under devenv: send its session token as `authorization: Bearer …` (npx devenv env --token)'
                : 'a valid bearer token is required (DISPATCHER_TOKEN)',
          });
        }
      }
      fn(call.request, correlationId).then(
        (result) =>
          result.ok
            ? finish(GrpcStatus.OK, undefined, result.value)
            : finish(result.error.code, result.error),
        (thrown: unknown) => {
          ctx.logger.error(
            { err: thrown, grpc_method: method, request_id: correlationId },
            'grpc handler threw',
          );
          finish(GrpcStatus.INTERNAL, {
            code: GrpcStatus.INTERNAL,
            details: `unexpected error (correlation id ${correlationId})`,
          });
        },
      );
    };

  const failed = (failure: DispatchFailure, correlationId: string) => {
    if (failure.reason === 'unexpected-error') {
      ctx.logger.error({ err: failure.error, request_id: correlationId }, 'Temporal call failed');
    }
    return err(fromFailure(failure, correlationId));
  };

  server.addService(lenientDefinition(grpcServiceDefinition(DispatcherService)), {
    startWorkflow: unary<StartWorkflowRequest, StartWorkflowResponse>(
      'StartWorkflow',
      async (req, correlationId) => {
        const endpoint = req.input.case === undefined ? undefined : endpointByCase(req.input.case);
        if (!endpoint || req.input.value === undefined) {
          return err(
            invalid([{ field: 'input', message: 'exactly one workflow input must be set' }]),
          );
        }
        const errors: FieldError[] = [];
        if (req.key === '') errors.push({ field: 'key', message: 'must not be empty' });
        else if (!req.key.isWellFormed() || req.key.length > DEFAULT_MAX_STRING_LENGTH) {
          errors.push({
            field: 'key',
            message: `must be well-formed and at most ${DEFAULT_MAX_STRING_LENGTH} characters`,
          });
        }
        if (req.idempotencyKey !== '' && !isValidIdempotencyKey(req.idempotencyKey)) {
          errors.push({
            field: 'idempotency_key',
            message: 'must be 1–255 visible ASCII characters',
          });
        }
        // The same rules as HTTP: the message goes through the schema derived from its proto.
        const json = toJson(endpoint.route.request, req.input.value as never, {
          registry: contractsRegistry,
          useProtoFieldName: true,
        });
        const parsed = parseMessage(endpoint.route.request, json);
        if (!parsed.ok) {
          errors.push(
            ...parsed.error.map((e) => ({ ...e, field: `${endpoint.grpcCase}.${e.field}` })),
          );
        }
        if (errors.length > 0 || !parsed.ok) return err(invalid(errors));
        const started = await ctx.dispatcher.start(
          endpoint.route,
          parsed.value,
          req.key,
          req.idempotencyKey === '' ? undefined : req.idempotencyKey,
        );
        if (!started.ok) return failed(started.error, correlationId);
        ctx.logger.info(
          {
            workflow_id: started.value.workflowId,
            run_id: started.value.runId,
            workflow_type: endpoint.route.type,
            request_id: correlationId,
          },
          started.value.replayed ? 'workflow start replayed' : 'workflow started',
        );
        return ok(
          create(StartWorkflowResponseSchema, {
            workflowId: started.value.workflowId,
            runId: started.value.runId,
          }),
        );
      },
      { mutating: true },
    ),

    describeWorkflow: unary<DescribeWorkflowRequest, DescribeWorkflowResponse>(
      'DescribeWorkflow',
      async (req, correlationId) => {
        const errors = checkWorkflowRef(req.workflowId, req.runId);
        if (errors.length > 0) return err(invalid(errors));
        const described = await ctx.dispatcher.describe(req.workflowId, req.runId || undefined);
        if (!described.ok) return failed(described.error, correlationId);
        const d = described.value;
        return ok(
          create(DescribeWorkflowResponseSchema, {
            workflowId: d.workflowId,
            runId: d.runId,
            workflowType: d.workflowType,
            status: WorkflowStatus[d.status],
            taskQueue: d.taskQueue,
            startTime: timestampFromDate(d.startTime),
            ...(d.closeTime ? { closeTime: timestampFromDate(d.closeTime) } : {}),
          }),
        );
      },
      { mutating: false },
    ),

    getWorkflowResult: unary<GetWorkflowResultRequest, GetWorkflowResultResponse>(
      'GetWorkflowResult',
      async (req, correlationId) => {
        const errors = checkWorkflowRef(req.workflowId, req.runId);
        if (errors.length > 0) return err(invalid(errors));
        // Waits at most as long as the configured maximum; the caller's deadline cancels sooner.
        const waitMs = req.wait ? ctx.config.maxResultWaitMs : 0;
        const outcome = await ctx.dispatcher.result(req.workflowId, req.runId || undefined, waitMs);
        if (!outcome.ok) return failed(outcome.error, correlationId);
        const o = outcome.value;
        if (o.status !== 'COMPLETED') {
          return ok(
            create(GetWorkflowResultResponseSchema, {
              status: WorkflowStatus[o.status],
              failureMessage: o.failureMessage,
            }),
          );
        }
        const value = o.value as Message | undefined;
        const endpoint =
          value?.$typeName === undefined ? undefined : endpointByResponseType(value.$typeName);
        const result = (
          endpoint ? { case: endpoint.grpcCase, value } : { case: undefined }
        ) as GetWorkflowResultResponse['result'];
        return ok(
          create(GetWorkflowResultResponseSchema, { status: WorkflowStatus.COMPLETED, result }),
        );
      },
      { mutating: false },
    ),

    cancelWorkflow: unary<CancelWorkflowRequest, CancelWorkflowResponse>(
      'CancelWorkflow',
      async (req, correlationId) => {
        const errors = checkWorkflowRef(req.workflowId, req.runId);
        if (req.reason.length > DEFAULT_MAX_STRING_LENGTH)
          errors.push({ field: 'reason', message: 'too long' });
        if (errors.length > 0) return err(invalid(errors));
        const cancelled = await ctx.dispatcher.cancel(req.workflowId, req.runId || undefined);
        if (!cancelled.ok) return failed(cancelled.error, correlationId);
        ctx.logger.info(
          { workflow_id: req.workflowId, reason: req.reason, request_id: correlationId },
          'cancellation requested',
        );
        return ok(create(CancelWorkflowResponseSchema, {}));
      },
      { mutating: true },
    ),
  });

  health.addTo(server);
  // Reflection tells anyone who asks the whole API: a development aid, off in production.
  if (ctx.config.grpcReflection) {
    addReflection(
      server,
      [file_timecop_dispatcher_v1_dispatcher, file_grpc_health_v1_health],
      [DISPATCHER_SERVICE, 'grpc.health.v1.Health'],
    );
  }
  return { server, health };
}
