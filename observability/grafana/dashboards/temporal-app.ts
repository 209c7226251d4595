/**
 * The Time Cop application as Temporal runs it: workflow and activity rates, latency from the
 * workers' histograms (custom buckets 1 ms … 10 s) and their recording rules, failures, and the
 * task-queue backlog as the workers see it (schedule-to-start latency, free slots).
 */
import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { promHeatmap, promTimeseries } from './panels.js';

const WF = 'time_cop_workflow_durations_ms';
const ACT = 'time_cop_activity_durations_ms';
const RI = '$__rate_interval';

export function temporalAppDashboard(): DashboardBuilder {
  return new DashboardBuilder('Time Cop: Temporal application')
    .uid('time-cop-temporal')
    .tags(['time-cop', 'temporal'])
    .refresh('10s')
    .time({ from: 'now-30m', to: 'now' })
    .withRow(new RowBuilder('Workflows'))
    .withPanel(
      promTimeseries('Workflow runs finished /s, by type and outcome', 'ops', [
        {
          expr: `sum by (workflow_type, outcome) (rate(${WF}_count[${RI}]))`,
          legend: '{{workflow_type}} {{outcome}}',
        },
      ]),
    )
    .withPanel(
      promTimeseries(
        'Workflow duration p50 / p95 / p99 (recording rules)',
        'ms',
        ['p50', 'p95', 'p99'].map((q) => ({
          expr: `max by (workflow_type) (workflow_type:${WF}:${q}_rate1m)`,
          legend: `{{workflow_type}} ${q}`,
        })),
        'From observability/prometheus/rules/time-cop.yml; a quantile is at most as precise as the bucket it falls in.',
      ),
    )
    .withPanel(promHeatmap('Workflow duration distribution (buckets)', `${WF}_bucket`, 'ms'))
    .withPanel(
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
    )
    .withRow(new RowBuilder('Activities'))
    .withPanel(
      promTimeseries('Activity attempts /s, by type and outcome', 'ops', [
        {
          expr: `sum by (activity_type, outcome) (rate(${ACT}_count[${RI}]))`,
          legend: '{{activity_type}} {{outcome}}',
        },
      ]),
    )
    .withPanel(
      promTimeseries(
        'Activity duration p50 / p95 / p99 (recording rules)',
        'ms',
        ['p50', 'p95', 'p99'].map((q) => ({
          expr: `max by (activity_type) (activity_type:${ACT}:${q}_rate1m)`,
          legend: `{{activity_type}} ${q}`,
        })),
      ),
    )
    .withPanel(promHeatmap('Activity duration distribution (buckets)', `${ACT}_bucket`, 'ms'))
    .withPanel(
      promTimeseries('Activity attempts failed or cancelled, share', 'percentunit', [
        {
          expr: `1 - (sum by (activity_type) (rate(${ACT}_count{outcome="completed"}[${RI}])) or (0 * sum by (activity_type) (rate(${ACT}_count[${RI}])))) / sum by (activity_type) (rate(${ACT}_count[${RI}]))`,
          legend: '{{activity_type}}',
        },
      ]),
    )
    .withRow(new RowBuilder('Task queues'))
    .withPanel(
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
    )
    .withPanel(
      promTimeseries('Worker task slots available', 'short', [
        {
          expr: `sum by (job, worker_type) (temporal_worker_task_slots_available)`,
          legend: '{{job}} {{worker_type}}',
        },
      ]),
    );
}
