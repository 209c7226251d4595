/**
 * k6's REST API (`k6 run --address`) answers `GET /v1/metrics` with every metric's aggregate so
 * far; this turns two successive answers into the progress line `devenv load` shows.
 */

/** The part of one `/v1/metrics` entry we read (JSON:API: `{data: [{id, attributes}]}`). */
interface MetricEntry {
  readonly id: string;
  readonly attributes?: { readonly sample?: Readonly<Record<string, number>> };
}

/** The aggregates a progress line needs, from one `/v1/metrics` answer. */
export interface K6Snapshot {
  /** When it was taken (ms, monotonic enough for rates). */
  readonly at: number;
  readonly vus: number;
  /** HTTP requests plus gRPC calls so far. */
  readonly requests: number;
  /** p(95) of http_req_duration so far, in ms; undefined before the first request. */
  readonly p95Ms: number | undefined;
  /** Share of HTTP requests that failed (http_req_failed), 0–1. */
  readonly httpFailedRate: number;
  /** Share of checks that passed so far, 0–1; undefined before the first check. */
  readonly checksRate: number | undefined;
}

/** Parses a `/v1/metrics` body; undefined when it is not what k6 sends. */
export function parseK6Metrics(body: unknown, at: number): K6Snapshot | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const data = (body as { data?: unknown }).data;
  if (!Array.isArray(data)) return undefined;
  const sample = (id: string): Readonly<Record<string, number>> | undefined =>
    (data as MetricEntry[]).find((m) => m?.id === id)?.attributes?.sample;
  return {
    at,
    vus: sample('vus')?.['value'] ?? 0,
    requests: (sample('http_reqs')?.['count'] ?? 0) + (sample('grpc_reqs')?.['count'] ?? 0),
    p95Ms: sample('http_req_duration')?.['p(95)'],
    httpFailedRate: sample('http_req_failed')?.['rate'] ?? 0,
    checksRate: sample('checks')?.['rate'],
  };
}

/** `12s  VUs 3  RPS 45.2  p95 23 ms  errors 0.0%`, the rate taken between the two snapshots. */
export function progressLine(
  profile: string,
  elapsedMs: number,
  previous: K6Snapshot | undefined,
  current: K6Snapshot,
): string {
  const seconds = previous ? (current.at - previous.at) / 1000 : 0;
  const rps = previous && seconds > 0 ? (current.requests - previous.requests) / seconds : 0;
  const p95 = current.p95Ms === undefined ? '–' : `${formatMs(current.p95Ms)}`;
  return [
    `${profile} ${Math.round(elapsedMs / 1000)}s`,
    `VUs ${current.vus}`,
    `RPS ${rps.toFixed(1)}`,
    `p95 ${p95}`,
    `errors ${(current.httpFailedRate * 100).toFixed(1)}%`,
    `checks ${current.checksRate === undefined ? '–' : `${(current.checksRate * 100).toFixed(1)}%`}`,
    `requests ${current.requests}`,
  ].join('  ');
}

function formatMs(ms: number): string {
  return ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
}
