import type { Registry } from 'prom-client';
import {
  isServing,
  type EngineState,
  type ServicePhase,
  type ServiceState,
} from '../engine/service-state.js';
import type { LogBusStats } from '../logbus/log-bus.js';
import { lazyHttpServer } from '../process/lazy-http-server.js';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import { isLoopbackHostHeader, isSameOrigin } from '../../shared/control-request.js';

/** Where `devenv up` serves its own metrics (observability/prometheus/prometheus.yml scrapes it). */
export const DEFAULT_DEVENV_METRICS_PORT = 9469;
export const DEVENV_METRICS_PORT_ENV = 'DEVENV_METRICS_PORT';

/**
 * What `devenv_services{phase}` counts a service under: `paused` (devenv pause) over the phase it
 * kept, as `devenv ps` and the TUI show it, so the series still add up to the number of services.
 */
type ShownPhase = ServicePhase | 'paused';

/**
 * Every phase, so `devenv_services{phase}` has a stable set of series (a phase nobody is in reads
 * 0 rather than vanishing, which would make `rate`/alerts on it flap). The mapped type breaks
 * the build when a phase is added to ServicePhase and not here.
 */
const PHASES = Object.keys({
  pending: 0,
  starting: 0,
  healthy: 0,
  unhealthy: 0,
  stopping: 0,
  stopped: 0,
  completed: 0,
  crashed: 0,
  unavailable: 0,
  blocked: 0,
  paused: 0,
} satisfies Record<ShownPhase, 0>) as ShownPhase[];

/** What the endpoint reads at scrape time; nothing is copied or updated per state change. */
export interface MetricsSource {
  getState(): EngineState;
  logStats(): LogBusStats;
}

/**
 * The supervisor's state as Prometheus gauges, computed when scraped. Built at the first scrape:
 * prom-client (and the OpenTelemetry API it loads) is ~80 modules, ~20 MB resident, that a
 * devenv nobody scrapes never needs. Exported for testing; `startMetricsEndpoint` serves it.
 */
export async function devenvRegistry(source: MetricsSource): Promise<Registry> {
  const { Gauge, Registry } = await import('prom-client');
  const registry = new Registry();
  const services = () => Object.values(source.getState().services);
  new Gauge({
    name: 'devenv_services',
    help: 'Services of the stack by lifecycle phase (paused: devenv pause, whatever the phase).',
    labelNames: ['phase'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [phase, count] of countByPhase(services())) this.set({ phase }, count);
    },
  });
  new Gauge({
    name: 'devenv_service_healthy',
    help: '1 while the service passes its readiness probe and is not paused (or completed, for a one-shot task).',
    labelNames: ['service'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of services())
        this.set({ service: s.name }, isServing(s) || s.phase === 'completed' ? 1 : 0);
    },
  });
  // A gauge, not a counter: the value is read from the store, and a new devenv starts at 0.
  new Gauge({
    name: 'devenv_service_restarts',
    help: 'Restarts of each service since this devenv started.',
    labelNames: ['service'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of services()) this.set({ service: s.name }, s.restarts);
    },
  });
  new Gauge({
    name: 'devenv_log_records',
    help: 'Log lines the log bus has taken in since devenv started.',
    registers: [registry],
    collect() {
      this.set(source.logStats().records);
    },
  });
  new Gauge({
    name: 'devenv_log_records_dropped',
    help: 'Log lines a sink (file, loki) accepted but never delivered.',
    labelNames: ['sink'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [sink, dropped] of Object.entries(source.logStats().droppedBySink))
        this.set({ sink }, dropped);
    },
  });
  return registry;
}

function countByPhase(services: readonly ServiceState[]): Map<ShownPhase, number> {
  const counts = new Map<ShownPhase, number>(PHASES.map((p) => [p, 0]));
  for (const s of services) {
    const shown = s.paused ? 'paused' : s.phase;
    counts.set(shown, (counts.get(shown) ?? 0) + 1);
  }
  return counts;
}

export interface MetricsEndpoint {
  readonly port: number;
  close(): Promise<void>;
}

export type MetricsEndpointFailure =
  /** The port is taken (another devenv, or something else): devenv runs on without metrics. */
  | { readonly reason: 'port-in-use'; readonly port: number }
  /** Any other listen error (bad port number, permissions). */
  | { readonly reason: 'listen-failed'; readonly port: number; readonly message: string };

/**
 * Serves `GET /metrics` on 127.0.0.1:`port` (0 = any free port), to loopback names only: a
 * DNS-rebinding page (its own name in `Host`) or another site's script (`Origin`) gets 403.
 */
export async function startMetricsEndpoint(
  source: MetricsSource,
  port: number,
): Promise<Result<MetricsEndpoint, MetricsEndpointFailure>> {
  let registry: Promise<Registry> | undefined;
  const http = lazyHttpServer((request, response) => {
    const { host, origin } = request.headers;
    if (!isLoopbackHostHeader(host) || !isSameOrigin(origin, host)) {
      response
        .writeHead(403, { 'content-type': 'text/plain' })
        .end('devenv answers only at a loopback address, and to no other origin\n');
      return;
    }
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    (registry ??= devenvRegistry(source))
      .then(async (built) => ({ body: await built.metrics(), type: built.contentType }))
      .then(
        ({ body, type }) => response.writeHead(200, { 'content-type': type }).end(body),
        (error: unknown) => response.writeHead(500).end(messageOf(error)),
      );
  });
  const server = http.listener;
  const listening = await new Promise<Result<number, MetricsEndpointFailure>>((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      resolve(
        err(
          error.code === 'EADDRINUSE'
            ? { reason: 'port-in-use', port }
            : { reason: 'listen-failed', port, message: error.message },
        ),
      ),
    );
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve(ok(typeof address === 'object' && address !== null ? address.port : port));
    });
  });
  if (!listening.ok) return listening;
  // Scrapes must never keep devenv alive once everything else has stopped.
  server.unref();
  return ok({
    port: listening.value,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/** DEVENV_METRICS_PORT: a port, 0 for any, or `off`; undefined = the default. */
export function metricsPortFrom(
  env: Readonly<Record<string, string | undefined>>,
): Result<number | 'off', string> {
  const raw = env[DEVENV_METRICS_PORT_ENV];
  if (raw === undefined || raw === '') return ok(DEFAULT_DEVENV_METRICS_PORT);
  if (raw === 'off') return ok('off');
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    return err(`${DEVENV_METRICS_PORT_ENV}=${raw}: expected a port number, 0 or "off"`);
  return ok(port);
}
