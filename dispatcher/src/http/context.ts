import type { Logger } from 'pino';
import type { DispatcherConfig } from '../config.js';
import type { Dispatcher } from '../dispatch.js';
import type { DispatcherMetrics } from '../metrics.js';
import type { TemporalHandle } from '../temporal-client.js';

/** What the HTTP and gRPC servers share in one process. */
export interface ServerContext {
  readonly config: DispatcherConfig;
  readonly dispatcher: Dispatcher;
  readonly temporal: TemporalHandle;
  /** Temporal's readiness, asked at most once a second (readiness-cache.ts): /readyz, gRPC health. */
  readonly readiness: () => ReturnType<TemporalHandle['checkReady']>;
  readonly metrics: DispatcherMetrics;
  readonly logger: Logger;
  /** Set when shutdown begins: probes turn unready and new requests get 503 + Connection: close. */
  readonly lifecycle: { closing: boolean };
}

/** What a route did, for the one log line per request (request id + workflow id together). */
export interface RequestOutcome {
  workflow_id?: string;
  run_id?: string;
  workflow_type?: string;
  replayed?: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    outcome: RequestOutcome | null;
  }
  interface FastifyContextConfig {
    /** Probes, metrics and the OpenAPI document: no bearer token, no rate limit. */
    public?: boolean;
  }
}
