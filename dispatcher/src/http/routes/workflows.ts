import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { resultJson } from '../../dispatch.js';
import type { ServerContext } from '../context.js';
import { fromDispatchFailure, invalidInput, sendError, type ApiError } from '../errors.js';
import type { FieldError } from '../../validation.js';

/** Temporal's limit on IDs; longer ones are a client error, answered before Temporal is asked. */
const MAX_ID_BYTES = 1000;

const RunId = z.uuid({ message: 'must be a run ID (UUID)' });
export const DescribeQuery = z.strictObject({ run_id: RunId.optional() });
export const CancelQuery = DescribeQuery;
/**
 * `wait`: seconds to wait for the workflow to close (capped by DISPATCHER_MAX_RESULT_WAIT_MS);
 * `true` means the longest wait allowed.
 */
export const ResultQuery = z.strictObject({
  run_id: RunId.optional(),
  wait: z
    .union([
      z.enum(['true', 'false']),
      z.string().regex(/^\d{1,6}(\.\d{1,3})?$/, 'must be seconds, true or false'),
    ])
    .optional(),
});

function checkId(id: string): FieldError[] {
  if (id === '') return [{ field: 'id', message: 'must not be empty' }];
  if (!id.isWellFormed()) return [{ field: 'id', message: 'must be well-formed Unicode' }];
  if (Buffer.byteLength(id) > MAX_ID_BYTES) {
    return [{ field: 'id', message: `must be at most ${MAX_ID_BYTES} bytes` }];
  }
  return [];
}

function queryErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: key, message: 'unknown query parameter' }))
      : [{ field: issue.path.map(String).join('.'), message: issue.message }],
  );
}

function parseRequest<T>(
  id: string,
  schema: z.ZodType<T>,
  query: unknown,
): { ok: true; query: T } | { ok: false; error: ApiError } {
  const parsed = schema.safeParse(query ?? {});
  const errors = [...checkId(id), ...(parsed.success ? [] : queryErrors(parsed.error))];
  if (errors.length > 0 || !parsed.success) return { ok: false, error: invalidInput(errors) };
  return { ok: true, query: parsed.data };
}

/** `GET /workflows/:id`, `GET /workflows/:id/result`, `POST /workflows/:id/cancel`. */
export function registerWorkflowRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Params: { id: string } }>('/workflows/:id', async (request, reply) => {
    const req = parseRequest(request.params.id, DescribeQuery, request.query);
    if (!req.ok) return sendError(reply, req.error);
    const described = await ctx.dispatcher.describe(request.params.id, req.query.run_id);
    if (!described.ok) return failed(request, reply, described.error);
    const d = described.value;
    return reply.send({
      workflow_id: d.workflowId,
      run_id: d.runId,
      workflow_type: d.workflowType,
      status: d.status,
      task_queue: d.taskQueue,
      start_time: d.startTime.toISOString(),
      ...(d.closeTime ? { close_time: d.closeTime.toISOString() } : {}),
      history_length: d.historyLength,
    });
  });

  app.get<{ Params: { id: string } }>('/workflows/:id/result', async (request, reply) => {
    const req = parseRequest(request.params.id, ResultQuery, request.query);
    if (!req.ok) return sendError(reply, req.error);
    const waitMs = waitOf(req.query.wait, ctx.config.maxResultWaitMs);
    const outcome = await ctx.dispatcher.result(request.params.id, req.query.run_id, waitMs);
    if (!outcome.ok) return failed(request, reply, outcome.error);
    const o = outcome.value;
    return reply.send(
      o.status === 'COMPLETED'
        ? { workflow_id: request.params.id, status: o.status, result: resultJson(o.value) }
        : { workflow_id: request.params.id, status: o.status, failure_message: o.failureMessage },
    );
  });

  app.post<{ Params: { id: string } }>('/workflows/:id/cancel', async (request, reply) => {
    const req = parseRequest(request.params.id, CancelQuery, request.query);
    if (!req.ok) return sendError(reply, req.error);
    const cancelled = await ctx.dispatcher.cancel(request.params.id, req.query.run_id);
    if (!cancelled.ok) return failed(request, reply, cancelled.error);
    request.log.info({ workflow_id: cancelled.value.workflowId }, 'cancellation requested');
    return reply
      .code(202)
      .send({ workflow_id: cancelled.value.workflowId, run_id: cancelled.value.runId });
  });
}

function waitOf(wait: string | undefined, maxMs: number): number {
  if (wait === undefined || wait === 'false') return 0;
  if (wait === 'true') return maxMs;
  return Math.min(Math.round(Number(wait) * 1000), maxMs);
}

export function failed(
  request: { log: { error: (o: object, m: string) => void } },
  reply: Parameters<typeof sendError>[0],
  failure: Parameters<typeof fromDispatchFailure>[0],
) {
  if (failure.reason === 'unexpected-error')
    request.log.error({ err: failure.error }, 'Temporal call failed');
  return sendError(reply, fromDispatchFailure(failure));
}
