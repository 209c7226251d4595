/** The dispatcher (dispatcher/src/metrics.ts): request rate, latency and status codes, HTTP and gRPC. */
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { promStat, promTimeseries } from './panels.js';
import { withRows, type Row } from './rows.js';

const RI = '$__rate_interval';
const HTTP = 'dispatcher_http_requests_total';
const HTTP_S = 'dispatcher_http_request_duration_seconds';
const GRPC = 'dispatcher_grpc_requests_total';
const GRPC_S = 'dispatcher_grpc_request_duration_seconds';

export function dispatcherDashboard(): DashboardBuilder {
  const dashboard = new DashboardBuilder('Time Cop: dispatcher')
    .uid('time-cop-dispatcher')
    .tags(['time-cop', 'dispatcher'])
    .refresh('10s')
    .time({ from: 'now-30m', to: 'now' });
  return withRows(dashboard, [httpRow(), grpcRow(), processRow()]);
}

/** Rate, errors and latency of the HTTP API, and the workflow starts it makes. */
function httpRow(): Row {
  return {
    title: 'HTTP',
    panels: [
      promStat('HTTP requests /s', 'reqps', { expr: `sum(rate(${HTTP}[${RI}]))` }),
      promStat(
        'HTTP 5xx share',
        'percentunit',
        {
          expr: `1 - sum(rate(${HTTP}{status!~"5.."}[${RI}])) / sum(rate(${HTTP}[${RI}]))`,
        },
        0.01,
      ),
      promStat(
        'HTTP p95 latency',
        's',
        { expr: `histogram_quantile(0.95, sum by (le) (rate(${HTTP_S}_bucket[${RI}])))` },
        0.5,
      ),
      promStat('Workflow starts /s', 'ops', {
        expr: `sum(rate(dispatcher_workflow_starts_total[${RI}]))`,
      }),
      promTimeseries('HTTP requests /s by route', 'reqps', [
        { expr: `sum by (method, route) (rate(${HTTP}[${RI}]))`, legend: '{{method}} {{route}}' },
      ]),
      promTimeseries('HTTP responses /s by status code', 'reqps', [
        { expr: `sum by (status) (rate(${HTTP}[${RI}]))`, legend: '{{status}}' },
      ]),
      promTimeseries(
        'HTTP latency p50 / p95 / p99 by route',
        's',
        [0.5, 0.95, 0.99].map((q) => ({
          expr: `histogram_quantile(${q}, sum by (le, route) (rate(${HTTP_S}_bucket[${RI}])))`,
          legend: `{{route}} p${Math.round(q * 100)}`,
        })),
      ),
      promTimeseries('Workflow starts /s by type', 'ops', [
        {
          expr: `sum by (workflow_type, outcome) (rate(dispatcher_workflow_starts_total[${RI}]))`,
          legend: '{{workflow_type}} {{outcome}}',
        },
      ]),
    ],
  };
}

/** Calls and latency of the gRPC API. */
function grpcRow(): Row {
  return {
    title: 'gRPC',
    panels: [
      promTimeseries('gRPC calls /s by method and code', 'reqps', [
        { expr: `sum by (method, code) (rate(${GRPC}[${RI}]))`, legend: '{{method}} {{code}}' },
      ]),
      promTimeseries(
        'gRPC latency p50 / p95 / p99 by method',
        's',
        [0.5, 0.95, 0.99].map((q) => ({
          expr: `histogram_quantile(${q}, sum by (le, method) (rate(${GRPC_S}_bucket[${RI}])))`,
          legend: `{{method}} p${Math.round(q * 100)}`,
        })),
      ),
    ],
  };
}

/** The dispatcher process: event-loop lag and memory. */
function processRow(): Row {
  return {
    title: 'Process',
    panels: [
      promTimeseries('Event-loop lag p99', 's', [
        { expr: 'max(dispatcher_nodejs_eventloop_lag_p99_seconds)', legend: 'p99' },
      ]),
      promTimeseries('Resident memory', 'bytes', [
        { expr: 'max(dispatcher_process_resident_memory_bytes)', legend: 'RSS' },
      ]),
    ],
  };
}
