import { error, json } from './parts.js';

/** The probes, /metrics and this document: public, no token. */
export function operationsPaths(): Record<string, unknown> {
  return {
    '/healthz': probe('Liveness: the process is up'),
    '/readyz': probe('Readiness: Temporal reachable and the namespace exists', {
      '503': error('Not ready (Temporal unreachable, or shutting down)'),
    }),
    '/metrics': {
      get: {
        summary: 'Prometheus metrics',
        tags: ['operations'],
        security: [],
        responses: {
          '200': {
            description: 'Prometheus text format',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
        },
      },
    },
    '/openapi.json': probe('This document'),
  };
}

function probe(summary: string, extra: Record<string, unknown> = {}) {
  return {
    get: {
      summary,
      tags: ['operations'],
      security: [],
      responses: { '200': json('OK', { type: 'object' }), ...extra },
    },
  };
}
