/**
 * k6 runs, as `devenv load` streams them by Prometheus remote write
 * (K6_PROMETHEUS_RW_TREND_STATS=p(95),p(99),min,max,count → k6_*_p95 / _p99 gauges in seconds, and
 * k6_*_count: k6 1.1 has no gRPC request counter, so gRPC rates come from k6_grpc_req_duration_count).
 * `testid` picks the run; `devenv load` prints a link with it set.
 */
import {
  DashboardBuilder,
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { PROMETHEUS, promStat, promTimeseries } from './panels.js';
import { withRows, type Row } from './rows.js';

const RI = '$__rate_interval';
const RUN = 'testid=~"$testid"';

/** Must match K6_DASHBOARD_UID in devenv/src/load/load-targets.ts. */
export const K6_DASHBOARD_UID = 'time-cop-k6';

export function k6Dashboard(): DashboardBuilder {
  const dashboard = new DashboardBuilder('Time Cop: k6 load tests')
    .uid(K6_DASHBOARD_UID)
    .tags(['time-cop', 'k6', 'load'])
    .refresh('5s')
    .time({ from: 'now-15m', to: 'now' })
    .withVariable(
      new QueryVariableBuilder('testid')
        .label('Run')
        .datasource(PROMETHEUS)
        .query('label_values(k6_vus, testid)')
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .sort(VariableSort.AlphabeticalDesc)
        .multi(true)
        .includeAll(true)
        .allValue('.*'),
    );
  return withRows(dashboard, [thresholdsRow(), loadRow()]);
}

/** Each threshold of the load profiles as one number. */
function thresholdsRow(): Row {
  return {
    title: 'Thresholds (same limits as loadtest/lib/profiles.js, smoke/load)',
    panels: [
      promStat(
        'HTTP failed requests (< 1 %)',
        'percentunit',
        { expr: `max(k6_http_req_failed_rate{${RUN}})` },
        0.01,
      ),
      promStat('HTTP p95 (< 500 ms)', 's', { expr: `max(k6_http_req_duration_p95{${RUN}})` }, 0.5),
      promStat('gRPC p95 (< 500 ms)', 's', { expr: `max(k6_grpc_req_duration_p95{${RUN}})` }, 0.5),
      promStat('Checks passed (> 99 %)', 'percentunit', { expr: `min(k6_checks_rate{${RUN}})` }),
    ],
  };
}

/** Virtual users, request rates, latency and checks over time. */
function loadRow(): Row {
  return {
    title: 'Load',
    panels: [
      promTimeseries('Virtual users', 'short', [
        { expr: `sum by (testid) (k6_vus{${RUN}})`, legend: '{{testid}} VUs' },
      ]),
      promTimeseries('Requests /s', 'reqps', [
        {
          expr: `sum by (testid) (rate(k6_http_reqs_total{${RUN}}[${RI}]))`,
          legend: '{{testid}} HTTP',
        },
        {
          expr: `sum by (testid) (rate(k6_grpc_req_duration_count{${RUN}}[${RI}]))`,
          legend: '{{testid}} gRPC',
        },
      ]),
      promTimeseries('HTTP latency p95 / p99 by request', 's', [
        { expr: `max by (name) (k6_http_req_duration_p95{${RUN}})`, legend: '{{name}} p95' },
        { expr: `max by (name) (k6_http_req_duration_p99{${RUN}})`, legend: '{{name}} p99' },
      ]),
      promTimeseries('gRPC latency p95 / p99', 's', [
        { expr: `max by (name) (k6_grpc_req_duration_p95{${RUN}})`, legend: '{{name}} p95' },
        { expr: `max by (name) (k6_grpc_req_duration_p99{${RUN}})`, legend: '{{name}} p99' },
      ]),
      promTimeseries('Checks: share passed, by check', 'percentunit', [
        { expr: `min by (check) (k6_checks_rate{${RUN}})`, legend: '{{check}}' },
      ]),
      promTimeseries('HTTP failed requests, share by request', 'percentunit', [
        { expr: `max by (name) (k6_http_req_failed_rate{${RUN}})`, legend: '{{name}}' },
      ]),
    ],
  };
}
