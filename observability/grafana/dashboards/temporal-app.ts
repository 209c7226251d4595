/**
 * The Time Cop application as Temporal runs it: workflow and activity rates, latency from the
 * workers' histograms (custom buckets 1 ms … 10 s) and their recording rules, failures, and the
 * task-queue backlog as the workers see it (schedule-to-start latency, free slots).
 */
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { promHeatmap, promTimeseries } from './panels.js';
import { withRows, type Row } from './rows.js';

const WF = 'time_cop_workflow_durations_ms';
const ACT = 'time_cop_activity_durations_ms';
const RI = '$__rate_interval';

export function temporalAppDashboard(): DashboardBuilder {
  const dashboard = new DashboardBuilder('Time Cop: Temporal application')
    .uid('time-cop-temporal')
    .tags(['time-cop', 'temporal'])
    .refresh('10s')
    .time({ from: 'now-30m', to: 'now' });
  return withRows(dashboard, [workflowsRow(), activitiesRow(), taskQueuesRow()]);
}

/** Workflow runs: rate, duration and the share that did not complete. */
function workflowsRow(): Row {
  return {
    title: 'Workflows',
    panels: [
      promTimeseries('Workflow runs finished /s, by type and outcome', 'ops', [
        {
          expr: `sum by (workflow_type, outcome) (rate(${WF}_count[${RI}]))`,
          legend: '{{workflow_type}} {{outcome}}',
        },
      ]),
      promTimeseries(
        'Workflow duration p50 / p95 / p99 (recording rules)',
        'ms',
        ['p50', 'p95', 'p99'].map((q) => ({
          expr: `max by (workflow_type) (workflow_type:${WF}:${q}_rate1m)`,
          legend: `{{workflow_type}} ${q}`,
        })),
        'From observability/prometheus/rules/time-cop.yml; a quantile is at most as precise as the bucket it falls in.',
      ),
      promHeatmap('Workflow duration distribution (buckets)', `${WF}_bucket`, 'ms'),
      promTimeseries(
        'Workflow runs not completed (failed, cancelled, continued-as-new), share',
        'percentunit',
        [
          {
            expr: `1 - (sum by (workflow_type) (rate(${WF}_count{outcome="completed"}[${RI}])) or (0 * sum by (workflow_type) (rate(${WF}_count[${RI}])))) / sum by (workflow_type) (rate(${WF}_count[${RI}]))`,
            legend: '{{workflow_type}}',
          },
        ],
      ),
    ],
  };
}

/** Activity attempts: rate, duration and the share that failed. */
function activitiesRow(): Row {
  return {
    title: 'Activities',
    panels: [
      promTimeseries('Activity attempts /s, by type and outcome', 'ops', [
        {
          expr: `sum by (activity_type, outcome) (rate(${ACT}_count[${RI}]))`,
          legend: '{{activity_type}} {{outcome}}',
        },
      ]),
      promTimeseries(
        'Activity duration p50 / p95 / p99 (recording rules)',
        'ms',
        ['p50', 'p95', 'p99'].map((q) => ({
          expr: `max by (activity_type) (activity_type:${ACT}:${q}_rate1m)`,
          legend: `{{activity_type}} ${q}`,
        })),
      ),
      promHeatmap('Activity duration distribution (buckets)', `${ACT}_bucket`, 'ms'),
      promTimeseries('Activity attempts failed or cancelled, share', 'percentunit', [
        {
          expr: `1 - (sum by (activity_type) (rate(${ACT}_count{outcome="completed"}[${RI}])) or (0 * sum by (activity_type) (rate(${ACT}_count[${RI}])))) / sum by (activity_type) (rate(${ACT}_count[${RI}]))`,
          legend: '{{activity_type}}',
        },
      ]),
    ],
  };
}

/** The task-queue backlog as the workers see it. */
function taskQueuesRow(): Row {
  return {
    title: 'Task queues',
    panels: [
      promTimeseries(
        'Task-queue backlog: schedule-to-start latency p95',
        'ms',
        [
          {
            expr: `histogram_quantile(0.95, sum by (le, task_queue) (rate(temporal_workflow_task_schedule_to_start_latency_bucket[${RI}])))`,
            legend: 'workflow tasks {{task_queue}}',
          },
          {
            expr: `histogram_quantile(0.95, sum by (le, task_queue) (rate(temporal_activity_schedule_to_start_latency_bucket[${RI}])))`,
            legend: 'activity tasks {{task_queue}}',
          },
        ],
        'How long tasks wait in the queue before a worker picks them up: rising values mean a backlog (too few workers or slots).',
      ),
      promTimeseries('Worker task slots available', 'short', [
        {
          expr: `sum by (job, worker_type) (temporal_worker_task_slots_available)`,
          legend: '{{job}} {{worker_type}}',
        },
      ]),
    ],
  };
}
