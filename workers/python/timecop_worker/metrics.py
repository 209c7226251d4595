"""SDK runtime telemetry for Prometheus, and the histograms our interceptor records.

Names and buckets equal workers/typescript/src/metrics.ts (the cross-language test scrapes both
workers and compares the `le` labels of the same histogram).
"""

from __future__ import annotations

from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

WORKFLOW_DURATION_METRIC = "time_cop_workflow_durations_ms"
ACTIVITY_DURATION_METRIC = "time_cop_activity_durations_ms"
DURATION_BUCKETS_MS = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]


def runtime(bind_address: str) -> Runtime:
    return Runtime(
        telemetry=TelemetryConfig(
            metrics=PrometheusConfig(
                bind_address=bind_address,
                histogram_bucket_overrides={
                    WORKFLOW_DURATION_METRIC: [float(b) for b in DURATION_BUCKETS_MS],
                    ACTIVITY_DURATION_METRIC: [float(b) for b in DURATION_BUCKETS_MS],
                },
            )
        )
    )
