import type { MetricsExporterConfig } from '@temporalio/worker';
import { ACTIVITY_DURATION_METRIC, WORKFLOW_DURATION_METRIC } from './metric-names.js';

export { ACTIVITY_DURATION_METRIC, WORKFLOW_DURATION_METRIC };

/**
 * Bucket bounds in milliseconds, identical in workers/python/timecop_worker/metrics.py (the
 * cross-language test scrapes both workers and compares the `le` labels): 1 ms to 10 s covers
 * the demo activities and a Postgres query; anything slower lands in +Inf.
 */
export const DURATION_BUCKETS_MS: readonly number[] = [
  1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000,
];

/** Prometheus listens on 9090 in the stack, so the workers take 9464 (TS; its replicas up to 9468) and 9470 (Python). */
export const DEFAULT_METRICS_PORT = 9464;

/**
 * SDK runtime telemetry served for Prometheus at http://<bind>/metrics by the SDK's Rust core
 * (no prom-client server of our own: one endpoint for SDK and custom metrics).
 */
export function prometheusTelemetry(bindAddress: string): MetricsExporterConfig {
  return {
    prometheus: {
      bindAddress,
      histogramBucketOverrides: {
        [WORKFLOW_DURATION_METRIC]: [...DURATION_BUCKETS_MS],
        [ACTIVITY_DURATION_METRIC]: [...DURATION_BUCKETS_MS],
      },
    },
  };
}
