import type { FastifyInstance } from 'fastify';
import { START_ENDPOINTS, type StartEndpoint } from '../../catalog.js';
import { isValidIdempotencyKey } from '../../ids.js';
import { parseMessage } from '../../validation.js';
import type { ServerContext } from '../context.js';
import { fromDispatchFailure, invalidInput, sendError } from '../errors.js';
import { startInput } from '../input.js';

/** `POST /{worker}/{workflow}`: one route per startable workflow (catalog.ts). */
export function registerStartRoutes(app: FastifyInstance, ctx: ServerContext): void {
  for (const endpoint of START_ENDPOINTS) {
    app.post(endpoint.path, async (request, reply) => {
      const input = startInput(endpoint.route.request, request.query, request.body);
      if (!input.ok) return sendError(reply, invalidInput(input.error));
      const parsed = parseMessage(endpoint.route.request, input.value);
      if (!parsed.ok) return sendError(reply, invalidInput(parsed.error));

      const header = request.headers['idempotency-key'];
      if (header !== undefined && (typeof header !== 'string' || !isValidIdempotencyKey(header))) {
        return sendError(
          reply,
          invalidInput([
            {
              field: 'Idempotency-Key',
              message: 'must be 1–255 visible ASCII characters, given once',
            },
          ]),
        );
      }
      const started = await ctx.dispatcher.start(
        endpoint.route,
        parsed.value,
        businessKey(endpoint, parsed.value),
        header,
      );
      if (!started.ok) {
        if (started.error.reason === 'unexpected-error') {
          request.log.error(
            { err: started.error.error, workflow_type: endpoint.route.type },
            'start failed',
          );
        }
        return sendError(reply, fromDispatchFailure(started.error));
      }
      const { workflowId, runId, replayed } = started.value;
      // Logged with the request's own line (app.ts), so one line has request and workflow id.
      request.outcome = {
        workflow_id: workflowId,
        run_id: runId,
        workflow_type: endpoint.route.type,
        replayed,
      };
      return reply
        .code(replayed ? 200 : 201)
        .header('location', `/workflows/${encodeURIComponent(workflowId)}`)
        .header('idempotent-replayed', String(replayed))
        .send({ workflow_id: workflowId, run_id: runId });
    });
  }
}

function businessKey(endpoint: StartEndpoint, message: object): string {
  const value = (message as Record<string, unknown>)[fieldLocalName(endpoint)];
  return typeof value === 'string' ? value : '';
}

/** protobuf-es objects use localName (`patientId`); the catalog names proto fields (`patient_id`). */
function fieldLocalName(endpoint: StartEndpoint): string {
  const field = endpoint.route.request.fields.find((f) => f.name === endpoint.keyField);
  if (!field)
    throw new Error(`${endpoint.route.request.typeName} has no field ${endpoint.keyField}`);
  return field.localName;
}
