import type { Context } from '@temporalio/activity';
import { CancelledFailure, type MetricHistogram, type MetricMeter } from '@temporalio/common';
import type {
  ActivityExecuteInput,
  ActivityInboundCallsInterceptor,
  ActivityInterceptorsFactory,
  Next,
} from '@temporalio/worker';
import { ACTIVITY_DURATION_METRIC } from '../metric-names.js';

/**
 * Records each activity attempt's wall-clock duration into time_cop_activity_durations_ms,
 * tagged with activity_type and outcome. The histogram is created once per meter: creating one
 * per attempt would cross into the SDK's native core on every activity.
 */
export function activityMetricsInterceptor(meter: MetricMeter): ActivityInterceptorsFactory {
  let histogram: MetricHistogram | undefined;
  const durations = () =>
    (histogram ??= meter.createHistogram(
      ACTIVITY_DURATION_METRIC,
      'int',
      'ms',
      'Activity attempt duration (wall clock)',
    ));
  return (ctx: Context) => ({
    inbound: new ActivityMetricsInbound(ctx, durations),
  });
}

class ActivityMetricsInbound implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly ctx: Context,
    private readonly durations: () => MetricHistogram,
  ) {}

  async execute(
    input: ActivityExecuteInput,
    next: Next<ActivityInboundCallsInterceptor, 'execute'>,
  ): Promise<unknown> {
    const started = performance.now();
    let outcome = 'completed';
    try {
      return await next(input);
    } catch (error) {
      outcome = error instanceof CancelledFailure ? 'cancelled' : 'failed';
      throw error;
    } finally {
      const { activityType, taskQueue, namespace } = this.ctx.info;
      this.durations().record(Math.round(performance.now() - started), {
        activity_type: activityType,
        task_queue: taskQueue,
        namespace,
        outcome,
      });
    }
  }
}
