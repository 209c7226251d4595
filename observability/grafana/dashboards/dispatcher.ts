/** The dispatcher (dispatcher/src/metrics.ts): request rate, latency and status codes, HTTP and gRPC. */
import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { promStat, promTimeseries } from './panels.js';

const RI = '$__rate_interval';
const HTTP = 'dispatcher_http_requests_total';
const HTTP_S = 'dispatcher_http_request_duration_seconds';
const GRPC = 'dispatcher_grpc_requests_total';
const GRPC_S = 'dispatcher_grpc_request_duration_seconds';

export function dispatcherDashboard(): DashboardBuilder {
  return new DashboardBuilder('Time Cop: dispatcher')
    .uid('time-cop-dispatcher')
    .tags(['time-cop', 'dispatcher'])
    .refresh('10s')
    .time({ from: 'now-30m', to: 'now' })
    .withRow(new RowBuilder('HTTP'))
    .withPanel(promStat('HTTP requests /s', 'reqps', { expr: `sum(rate(${HTTP}[${RI}]))` }))
    .withPanel(
      promStat(
        'HTTP 5xx share',
        'percentunit',
        {
          expr: `1 - sum(rate(${HTTP}{status!~"5.."}[${RI}])) / sum(rate(${HTTP}[${RI}]))`,
        },
        0.01,
      ),
    )
    .withPanel(
      promStat(
        'HTTP p95 latency',
        's',
        { expr: `histogram_quantile(0.95, sum by (le) (rate(${HTTP_S}_bucket[${RI}])))` },
        0.5,
      ),
    )
    .withPanel(
      promStat('Workflow starts /s', 'ops', {
        expr: `sum(rate(dispatcher_workflow_starts_total[${RI}]))`,
      }),
    )
    .withPanel(
      promTimeseries('HTTP requests /s by route', 'reqps', [
        { expr: `sum by (method, route) (rate(${HTTP}[${RI}]))`, legend: '{{method}} {{route}}' },
      ]),
    )
    .withPanel(
      promTimeseries('HTTP responses /s by status code', 'reqps', [
        { expr: `sum by (status) (rate(${HTTP}[${RI}]))`, legend: '{{status}}' },
      ]),
    )
    .withPanel(
      promTimeseries(
        'HTTP latency p50 / p95 / p99 by route',
        's',
        [0.5, 0.95, 0.99].map((q) => ({
          expr: `histogram_quantile(${q}, sum by (le, route) (rate(${HTTP_S}_bucket[${RI}])))`,
          legend: `{{route}} p${Math.round(q * 100)}`,
        })),
      ),
    )
    .withPanel(
      promTimeseries('Workflow starts /s by type', 'ops', [
        {
          expr: `sum by (workflow_type, outcome) (rate(dispatcher_workflow_starts_total[${RI}]))`,
          legend: '{{workflow_type}} {{outcome}}',
        },
      ]),
    )
    .withRow(new RowBuilder('gRPC'))
    .withPanel(
      promTimeseries('gRPC calls /s by method and code', 'reqps', [
        { expr: `sum by (method, code) (rate(${GRPC}[${RI}]))`, legend: '{{method}} {{code}}' },
      ]),
    )
    .withPanel(
      promTimeseries(
        'gRPC latency p50 / p95 / p99 by method',
        's',
        [0.5, 0.95, 0.99].map((q) => ({
          expr: `histogram_quantile(${q}, sum by (le, method) (rate(${GRPC_S}_bucket[${RI}])))`,
          legend: `{{method}} p${Math.round(q * 100)}`,
        })),
      ),
    )
    .withRow(new RowBuilder('Process'))
    .withPanel(
      promTimeseries('Event-loop lag p99', 's', [
        { expr: 'max(dispatcher_nodejs_eventloop_lag_p99_seconds)', legend: 'p99' },
      ]),
    )
    .withPanel(
      promTimeseries('Resident memory', 'bytes', [
        { expr: 'max(dispatcher_process_resident_memory_bytes)', legend: 'RSS' },
      ]),
    );
}
