/**
 * Workflow interceptor module (runs inside the workflow sandbox; the worker lists it in
 * `interceptors.workflowModules`): records each run's duration in workflow time, from the run's
 * start to its end, into time_cop_workflow_durations_ms. The SDK drops workflow metrics during
 * replay, so a replayed history never counts twice.
 */
import {
  ContinueAsNew,
  isCancellation,
  metricMeter,
  workflowInfo,
  type Next,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import { WORKFLOW_DURATION_METRIC } from '../metric-names.js';

class WorkflowMetricsInbound implements WorkflowInboundCallsInterceptor {
  async execute(
    input: WorkflowExecuteInput,
    next: Next<WorkflowInboundCallsInterceptor, 'execute'>,
  ): Promise<unknown> {
    const startedAt = workflowInfo().runStartTime.getTime();
    let outcome = 'completed';
    try {
      return await next(input);
    } catch (error) {
      outcome =
        error instanceof ContinueAsNew
          ? 'continued_as_new'
          : isCancellation(error)
            ? 'cancelled'
            : 'failed';
      throw error;
    } finally {
      // The meter already tags namespace, task_queue and workflow_type.
      metricMeter
        .createHistogram(
          WORKFLOW_DURATION_METRIC,
          'int',
          'ms',
          'Workflow run duration (workflow time)',
        )
        .record(Math.max(0, Date.now() - startedAt), { outcome });
    }
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [new WorkflowMetricsInbound()],
});
