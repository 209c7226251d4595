import { create, toJson, type Message } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  CancelWorkflowResponseSchema,
  DescribeWorkflowResponseSchema,
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
import { contractsRegistry } from '../../../protos/ts/registry.js';
import { err, ok, type Result } from '../../../devenv/shared/result.js';
import { endpointByCase, endpointByResponseType, type StartEndpoint } from '../catalog.js';
import type { DispatchFailure } from '../dispatch-failure.js';
import type { ServerContext } from '../http/context.js';
import { isValidIdempotencyKey } from '../ids.js';
import { DEFAULT_MAX_STRING_LENGTH, parseMessage, type FieldError } from '../validation.js';
import { fromFailure, invalid, type GrpcError } from './grpc-error.js';

// The `timecop.dispatcher.v1.Dispatcher` methods, each checking its request as the HTTP API does
// and answering from the one Dispatcher.

type Answer<Res> = Promise<Result<Res, GrpcError>>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

function failed(
  ctx: ServerContext,
  failure: DispatchFailure,
  correlationId: string,
): Result<never, GrpcError> {
  if (failure.reason === 'unexpected-error') {
    ctx.logger.error({ err: failure.error, request_id: correlationId }, 'Temporal call failed');
  }
  return err(fromFailure(failure, correlationId));
}

/** The key and Idempotency-Key rules of a start. */
function checkStartKeys(req: StartWorkflowRequest): FieldError[] {
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
  return errors;
}

/** The start's input, checked by the same rules as HTTP: the schema derived from its proto. */
function parseStartInput(
  endpoint: StartEndpoint,
  input: Message,
): Result<Message, readonly FieldError[]> {
  const json = toJson(endpoint.route.request, input as never, {
    registry: contractsRegistry,
    useProtoFieldName: true,
  });
  const parsed = parseMessage(endpoint.route.request, json);
  if (parsed.ok) return parsed;
  return err(parsed.error.map((e) => ({ ...e, field: `${endpoint.grpcCase}.${e.field}` })));
}

export async function startWorkflow(
  ctx: ServerContext,
  req: StartWorkflowRequest,
  correlationId: string,
): Answer<StartWorkflowResponse> {
  const endpoint = req.input.case === undefined ? undefined : endpointByCase(req.input.case);
  if (!endpoint || req.input.value === undefined) {
    return err(invalid([{ field: 'input', message: 'exactly one workflow input must be set' }]));
  }
  const errors = checkStartKeys(req);
  const parsed = parseStartInput(endpoint, req.input.value);
  if (!parsed.ok) errors.push(...parsed.error);
  if (errors.length > 0 || !parsed.ok) return err(invalid(errors));
  const started = await ctx.dispatcher.start(
    endpoint.route,
    parsed.value,
    req.key,
    req.idempotencyKey === '' ? undefined : req.idempotencyKey,
  );
  if (!started.ok) return failed(ctx, started.error, correlationId);
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
}

export async function describeWorkflow(
  ctx: ServerContext,
  req: DescribeWorkflowRequest,
  correlationId: string,
): Answer<DescribeWorkflowResponse> {
  const errors = checkWorkflowRef(req.workflowId, req.runId);
  if (errors.length > 0) return err(invalid(errors));
  const described = await ctx.dispatcher.describe(req.workflowId, req.runId || undefined);
  if (!described.ok) return failed(ctx, described.error, correlationId);
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
}

export async function getWorkflowResult(
  ctx: ServerContext,
  req: GetWorkflowResultRequest,
  correlationId: string,
): Answer<GetWorkflowResultResponse> {
  const errors = checkWorkflowRef(req.workflowId, req.runId);
  if (errors.length > 0) return err(invalid(errors));
  // Waits at most as long as the configured maximum; the caller's deadline cancels sooner.
  const waitMs = req.wait ? ctx.config.maxResultWaitMs : 0;
  const outcome = await ctx.dispatcher.result(req.workflowId, req.runId || undefined, waitMs);
  if (!outcome.ok) return failed(ctx, outcome.error, correlationId);
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
  return ok(create(GetWorkflowResultResponseSchema, { status: WorkflowStatus.COMPLETED, result }));
}

export async function cancelWorkflow(
  ctx: ServerContext,
  req: CancelWorkflowRequest,
  correlationId: string,
): Answer<CancelWorkflowResponse> {
  const errors = checkWorkflowRef(req.workflowId, req.runId);
  if (req.reason.length > DEFAULT_MAX_STRING_LENGTH)
    errors.push({ field: 'reason', message: 'too long' });
  if (errors.length > 0) return err(invalid(errors));
  const cancelled = await ctx.dispatcher.cancel(req.workflowId, req.runId || undefined);
  if (!cancelled.ok) return failed(ctx, cancelled.error, correlationId);
  ctx.logger.info(
    { workflow_id: req.workflowId, reason: req.reason, request_id: correlationId },
    'cancellation requested',
  );
  return ok(create(CancelWorkflowResponseSchema, {}));
}
