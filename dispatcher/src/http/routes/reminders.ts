import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { WORKFLOWS } from '../../../../workers/typescript/src/routing.js';
import {
  fireNowSignal,
  snoozeSignal,
  statusQuery,
  type ReminderStatus,
  type SnoozeRequest,
} from '../../../../workers/typescript/src/workflows/long-timer.js';
import type { ServerContext } from '../context.js';
import { invalidInput, sendError } from '../errors.js';
import type { FieldError } from '../../validation.js';
import { failed } from './workflows.js';

const TEN_YEARS_MS = 10 * 366 * 24 * 3600 * 1000;
export const SnoozeBody = z.strictObject({
  /** How much later the reminder fires, in milliseconds. */
  by_ms: z.int().min(1).max(TEN_YEARS_MS),
});

/**
 * True when the ID names a reminder; otherwise the error reply is sent and false returned. (Not
 * the reply itself: a FastifyReply is thenable, so an async function cannot return it as a value.)
 */
async function checkReminder(
  ctx: ServerContext,
  id: string,
  request: Parameters<typeof failed>[0],
  reply: Parameters<typeof failed>[1],
): Promise<boolean> {
  if (id === '' || !id.isWellFormed() || Buffer.byteLength(id) > 1000) {
    void sendError(reply, invalidInput([{ field: 'id', message: 'must be a workflow ID' }]));
    return false;
  }
  const described = await ctx.dispatcher.describe(id, undefined);
  if (!described.ok) {
    void failed(request, reply, described.error);
    return false;
  }
  if (described.value.workflowType !== WORKFLOWS.longTimer.type) {
    void failed(request, reply, { reason: 'workflow-not-found', workflowId: id });
    return false;
  }
  return true;
}

/** A snooze body's problems as field errors: unknown keys by name, the rest by path. */
function snoozeBodyErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({
    field: i.code === 'unrecognized_keys' ? i.keys.join(',') : i.path.map(String).join('.'),
    message: i.code === 'unrecognized_keys' ? 'unknown field' : i.message,
  }));
}

/**
 * The reminder's signal and query routes (LongTimerWorkflow's `snooze`, `fireNow`, `status`).
 * Each first checks that the ID names a reminder, so a signal never lands on another workflow.
 */
export function registerReminderRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post<{ Params: { id: string } }>(
    '/typescript/reminders/:id/snooze',
    async (request, reply) => {
      const body = SnoozeBody.safeParse(request.body ?? {});
      if (!body.success) {
        return sendError(reply, invalidInput(snoozeBodyErrors(body.error)));
      }
      if (!(await checkReminder(ctx, request.params.id, request, reply))) return reply;
      const arg: SnoozeRequest = { byMs: body.data.by_ms };
      const sent = await ctx.dispatcher.signal(request.params.id, snoozeSignal.name, [arg]);
      if (!sent.ok) return failed(request, reply, sent.error);
      return reply.code(202).send({ workflow_id: request.params.id, signal: snoozeSignal.name });
    },
  );

  app.post<{ Params: { id: string } }>(
    '/typescript/reminders/:id/fire-now',
    async (request, reply) => {
      if (!(await checkReminder(ctx, request.params.id, request, reply))) return reply;
      const sent = await ctx.dispatcher.signal(request.params.id, fireNowSignal.name, []);
      if (!sent.ok) return failed(request, reply, sent.error);
      return reply.code(202).send({ workflow_id: request.params.id, signal: fireNowSignal.name });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/typescript/reminders/:id/status',
    async (request, reply) => {
      if (!(await checkReminder(ctx, request.params.id, request, reply))) return reply;
      const answered = await ctx.dispatcher.query(request.params.id, statusQuery.name, []);
      if (!answered.ok) return failed(request, reply, answered.error);
      const status = answered.value as ReminderStatus;
      return reply.send({
        workflow_id: request.params.id,
        label: status.label,
        fires_at: status.firesAt,
        snoozes: status.snoozes,
        fired: status.fired,
      });
    },
  );
}
