"""Activity metrics: each attempt's wall-clock duration into time_cop_activity_durations_ms."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from temporalio import activity
from temporalio.worker import (
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    Interceptor,
)

from timecop_worker.metrics import ACTIVITY_DURATION_METRIC


class MetricsInterceptor(Interceptor):
    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _ActivityMetrics(next)


class _ActivityMetrics(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        started = time.perf_counter()
        outcome = "completed"
        try:
            return await super().execute_activity(input)
        except asyncio.CancelledError:
            outcome = "cancelled"
            raise
        except BaseException:
            outcome = "failed"
            raise
        finally:
            info = activity.info()
            # The activity's meter already tags namespace, task_queue and activity_type; the
            # extra tags match the TypeScript interceptor's, so one query covers both workers.
            activity.metric_meter().create_histogram(
                ACTIVITY_DURATION_METRIC, "Activity attempt duration (wall clock)", "ms"
            ).record(
                round((time.perf_counter() - started) * 1000),
                {"activity_type": info.activity_type, "outcome": outcome},
            )
