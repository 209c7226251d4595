import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** The dispatcher's Prometheus metrics, on a registry of its own (tests create many apps). */
export interface DispatcherMetrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly grpcRequests: Counter<'method' | 'code'>;
  readonly grpcDuration: Histogram<'method' | 'code'>;
  readonly workflowStarts: Counter<'workflow_type' | 'outcome'>;
}

// Milliseconds-scale buckets: the dispatcher adds little, Temporal's start dominates.
const BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export function createMetrics(options: { defaultMetrics?: boolean } = {}): DispatcherMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true)
    collectDefaultMetrics({ register: registry, prefix: 'dispatcher_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'dispatcher_http_requests_total',
      help: 'HTTP requests answered, by route pattern (not URL, to bound cardinality) and status.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'dispatcher_http_request_duration_seconds',
      help: 'Time from request received to response sent.',
      labelNames: ['method', 'route', 'status'],
      buckets: BUCKETS_S,
      registers: [registry],
    }),
    grpcRequests: new Counter({
      name: 'dispatcher_grpc_requests_total',
      help: 'gRPC calls answered, by method and status code name.',
      labelNames: ['method', 'code'],
      registers: [registry],
    }),
    grpcDuration: new Histogram({
      name: 'dispatcher_grpc_request_duration_seconds',
      help: 'Time from call received to status sent.',
      labelNames: ['method', 'code'],
      buckets: BUCKETS_S,
      registers: [registry],
    }),
    workflowStarts: new Counter({
      name: 'dispatcher_workflow_starts_total',
      help: 'Workflow starts by type; outcome "started" or "replayed" (same Idempotency-Key).',
      labelNames: ['workflow_type', 'outcome'],
      registers: [registry],
    }),
  };
}
