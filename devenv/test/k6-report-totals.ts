import { gunzipSync } from 'node:zlib';

/**
 * A run's totals as k6's HTML report (web dashboard export) holds them: newline-separated events,
 * gzipped and base64 in `<script id="data">`; the last `cumulative` event has one array per metric,
 * metrics in name order (a counter's is [count, rate]).
 */
export function k6ReportTotals(html: string): Record<string, number[]> {
  const data = /<script id="data"[^>]*>([^<]*)<\/script>/.exec(html)?.[1];
  if (data === undefined) throw new Error('no <script id="data"> in the report');
  const events = gunzipSync(Buffer.from(data.trim(), 'base64'))
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { event: string; data: unknown });
  const names = events
    .filter((e) => e.event === 'metric')
    .flatMap((e) => Object.keys(e.data as object))
    .sort();
  const totals = events.filter((e) => e.event === 'cumulative').at(-1)?.data as number[][];
  return Object.fromEntries(names.map((name, i) => [name, totals[i]!]));
}
