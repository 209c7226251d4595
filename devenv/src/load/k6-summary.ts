/**
 * The plain-text table at the end of every load run, from k6's `--summary-export` JSON: one row
 * per protocol (requests, rate, errors, latency percentiles) and every threshold passed or not.
 * Pure, so the table is tested from a saved export.
 */

export interface ProtocolRow {
  readonly protocol: 'HTTP' | 'gRPC';
  readonly requests: number;
  readonly perSecond: number;
  /** Share of failed requests, 0–1; undefined where k6 keeps no failure rate (gRPC). */
  readonly errorRate: number | undefined;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

export interface ThresholdResult {
  readonly metric: string;
  readonly expression: string;
  readonly passed: boolean;
}

export interface RunSummary {
  readonly rows: readonly ProtocolRow[];
  readonly thresholds: readonly ThresholdResult[];
}

type Metric = Readonly<Record<string, unknown>>;

function numberAt(metric: Metric | undefined, key: string): number | undefined {
  const value = metric?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function metricsOf(json: unknown): Readonly<Record<string, Metric>> | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const metrics = (json as { metrics?: unknown }).metrics;
  return typeof metrics === 'object' && metrics !== null
    ? (metrics as Record<string, Metric>)
    : undefined;
}

/** The summary, or undefined when the JSON is not a k6 summary export. */
export function parseSummaryExport(json: unknown): RunSummary | undefined {
  const metrics = metricsOf(json);
  if (metrics === undefined) return undefined;
  const httpReqs = metrics['http_reqs'];
  const httpCount = numberAt(httpReqs, 'count') ?? 0;
  const httpRate = numberAt(httpReqs, 'rate') ?? 0;
  // k6 exports a counter's rate as count / test duration; gRPC keeps only a trend, so its rate
  // comes from that duration.
  const seconds = httpRate > 0 ? httpCount / httpRate : undefined;
  const rows: ProtocolRow[] = [];
  const http = metrics['http_req_duration'];
  if (http !== undefined && httpCount > 0)
    rows.push({
      protocol: 'HTTP',
      requests: httpCount,
      perSecond: httpRate,
      errorRate: numberAt(metrics['http_req_failed'], 'value'),
      ...percentiles(http),
    });
  const grpc = metrics['grpc_req_duration'];
  const grpcCount = numberAt(grpc, 'count') ?? 0;
  if (grpc !== undefined && grpcCount > 0)
    rows.push({
      protocol: 'gRPC',
      requests: grpcCount,
      perSecond: seconds !== undefined ? grpcCount / seconds : 0,
      errorRate: undefined,
      ...percentiles(grpc),
    });
  return { rows, thresholds: thresholdsOf(metrics) };
}

function percentiles(metric: Metric): { p50: number; p95: number; p99: number } {
  return {
    p50: numberAt(metric, 'med') ?? 0,
    p95: numberAt(metric, 'p(95)') ?? 0,
    p99: numberAt(metric, 'p(99)') ?? 0,
  };
}

/** In the export, a threshold's value is true when it was crossed (failed). */
function thresholdsOf(metrics: Readonly<Record<string, Metric>>): ThresholdResult[] {
  const results: ThresholdResult[] = [];
  for (const [metric, values] of Object.entries(metrics).sort(([a], [b]) => a.localeCompare(b))) {
    const thresholds = values['thresholds'];
    if (typeof thresholds !== 'object' || thresholds === null) continue;
    for (const [expression, crossed] of Object.entries(thresholds))
      results.push({ metric, expression, passed: crossed === false });
  }
  return results;
}

const HEADER = ['', 'requests', 'req/s', 'errors', 'p50', 'p95', 'p99'];

function milliseconds(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`;
}

function cells(row: ProtocolRow): string[] {
  return [
    row.protocol,
    String(row.requests),
    row.perSecond.toFixed(1),
    row.errorRate === undefined ? '—' : `${(row.errorRate * 100).toFixed(2)} %`,
    milliseconds(row.p50),
    milliseconds(row.p95),
    milliseconds(row.p99),
  ];
}

/** The table as lines: columns aligned, numbers right-aligned, then one line per threshold. */
export function summaryTable(summary: RunSummary): string[] {
  const verdicts = summary.thresholds.map(
    (t) => `${t.passed ? '✓' : '✗'} ${t.metric}: ${t.expression}`,
  );
  if (summary.rows.length === 0) return ['(no requests were made)', ...verdicts];
  const grid = [HEADER, ...summary.rows.map(cells)];
  const widths = HEADER.map((_, column) => Math.max(...grid.map((cols) => cols[column]!.length)));
  const lines = grid.map((cols) =>
    cols
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!),
      )
      .join('  ')
      .trimEnd(),
  );
  return [...lines, ...verdicts];
}
