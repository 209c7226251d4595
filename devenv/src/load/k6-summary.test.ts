import { describe, expect, it } from 'vitest';
import { parseSummaryExport, summaryTable } from './k6-summary.js';

// Trimmed from a real k6 1.1.0 `--summary-export` of the smoke profile (summaryTrendStats with
// count); a threshold's value is true when it was crossed.
const EXPORT = {
  root_group: { name: '', checks: {} },
  metrics: {
    http_reqs: { count: 26746, rate: 1336.2830233418113 },
    http_req_failed: {
      passes: 267,
      fails: 26479,
      value: 0.009982801166528,
      thresholds: { 'rate<0.01': false },
    },
    http_req_duration: {
      avg: 1.22,
      min: 0.077,
      med: 0.442622,
      max: 118.68,
      'p(90)': 2.98,
      'p(95)': 5.336551,
      'p(99)': 12.8526348,
      count: 26746,
      thresholds: { 'p(95)<500': false, 'p(99)<1500': false },
    },
    grpc_req_duration: {
      med: 3.5,
      'p(95)': 640.25,
      'p(99)': 1820,
      count: 400,
      thresholds: { 'p(95)<500': true, 'p(99)<1500': true },
    },
    checks: { passes: 74000, fails: 887, value: 0.988, thresholds: { 'rate>0.99': true } },
    vus: { value: 3, min: 3, max: 3 },
  },
};

describe('k6 summary table', () => {
  it('renders requests, rate, errors, p50/p95/p99 per protocol and every threshold', () => {
    const summary = parseSummaryExport(EXPORT);
    expect(summary).toBeDefined();
    expect(summaryTable(summary!)).toEqual([
      '      requests   req/s  errors     p50       p95      p99',
      'HTTP     26746  1336.3  1.00 %  0.4 ms    5.3 ms  12.9 ms',
      'gRPC       400    20.0       —  3.5 ms  640.3 ms   1.82 s',
      '✗ checks: rate>0.99',
      '✗ grpc_req_duration: p(95)<500',
      '✗ grpc_req_duration: p(99)<1500',
      '✓ http_req_duration: p(95)<500',
      '✓ http_req_duration: p(99)<1500',
      '✓ http_req_failed: rate<0.01',
    ]);
  });

  it('says so when no request was made, and refuses what is not an export', () => {
    expect(summaryTable(parseSummaryExport({ metrics: { vus: { value: 1 } } })!)).toEqual([
      '(no requests were made)',
    ]);
    expect(parseSummaryExport('not json')).toBeUndefined();
    expect(parseSummaryExport({ metric: {} })).toBeUndefined();
  });
});
