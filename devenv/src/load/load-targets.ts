/** Where a load run aims and reports. */
export interface LoadTargets {
  /** The dispatcher's HTTP base URL. */
  readonly target: string;
  /** The dispatcher's gRPC host:port. */
  readonly grpcTarget: string;
  readonly prometheus: string;
  readonly grafana: string;
}

/** The stack's own ports (compose/compose.yaml), shared by `devenv load` and the TUI's `k`. */
export const LOAD_DEFAULTS: LoadTargets = {
  target: 'http://127.0.0.1:7070',
  grpcTarget: '127.0.0.1:7071',
  prometheus: 'http://127.0.0.1:9090',
  grafana: 'http://127.0.0.1:3000',
};

/** The k6 dashboard (observability/grafana/dashboards/k6.ts), which filters by `testid`. */
export const K6_DASHBOARD_UID = 'time-cop-k6';

/** `smoke-20261123-184751`: unique per run, sortable, readable in Grafana's variable picker. */
export function loadTestId(profile: string, date: Date): string {
  const iso = date.toISOString();
  return `${profile}-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
}

/** The k6 dashboard narrowed to one run, with 30 s of context either side. */
export function grafanaRunUrl(
  grafana: string,
  testid: string,
  startedAt: number,
  finishedAt: number,
): string {
  return `${grafana}/d/${K6_DASHBOARD_UID}/k6?orgId=1&var-testid=${encodeURIComponent(testid)}&from=${startedAt - 30_000}&to=${finishedAt + 30_000}`;
}

/** Prometheus's remote-write receiver when Prometheus answers, else undefined (results stay local). */
export async function remoteWriteUrlIfReady(prometheus: string): Promise<string | undefined> {
  try {
    const response = await fetch(`${prometheus}/-/ready`, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.ok ? `${prometheus}/api/v1/write` : undefined;
  } catch {
    return undefined;
  }
}

/** Grafana answers its health check, so a link to the k6 dashboard leads somewhere. */
export async function grafanaAnswers(grafana: string): Promise<boolean> {
  try {
    const response = await fetch(`${grafana}/api/health`, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}
