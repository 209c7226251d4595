import { get as httpGet } from 'node:http';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { initialEngineState, type EngineState } from '../engine/service-state.js';
import type { LogBusStats } from '../logbus/log-bus.js';
import { metricsPortFrom, startMetricsEndpoint, type MetricsEndpoint } from './metrics-endpoint.js';

const stats: LogBusStats = {
  records: 42,
  buffered: 42,
  bytes: 1000,
  evicted: 0,
  droppedBySink: { file: 0, loki: 7 },
  sinkFailures: {},
  droppedBySubscribers: 0,
  consumerErrors: 0,
};

function stateWith(): EngineState {
  const base = initialEngineState(['temporal', 'worker', 'loki']);
  return {
    ...base,
    services: {
      ...base.services,
      temporal: { ...base.services['temporal']!, phase: 'healthy' },
      worker: { ...base.services['worker']!, phase: 'crashed', restarts: 3 },
      loki: { ...base.services['loki']!, phase: 'unavailable' },
    },
  };
}

describe('devenv metrics endpoint', () => {
  let endpoint: MetricsEndpoint | undefined;
  afterEach(async () => {
    await endpoint?.close();
    endpoint = undefined;
  });

  it('serves the supervisor state read at scrape time', async () => {
    let state = initialEngineState(['temporal', 'worker', 'loki']);
    const started = await startMetricsEndpoint({ getState: () => state, logStats: () => stats }, 0);
    if (!started.ok) throw new Error(started.error.reason);
    endpoint = started.value;
    const url = `http://127.0.0.1:${endpoint.port}/metrics`;
    expect(await (await fetch(url)).text()).toContain('devenv_services{phase="pending"} 3');

    state = stateWith();
    const body = await (await fetch(url)).text();
    expect(body).toContain('devenv_services{phase="healthy"} 1');
    expect(body).toContain('devenv_services{phase="crashed"} 1');
    expect(body).toContain('devenv_services{phase="pending"} 0');
    expect(body).toContain('devenv_services{phase="paused"} 0');

    // A paused service counts as paused, not as the phase it kept.
    state = {
      ...state,
      services: { ...state.services, temporal: { ...state.services['temporal']!, paused: true } },
    };
    const paused = await (await fetch(url)).text();
    expect(paused).toContain('devenv_services{phase="paused"} 1');
    expect(paused).toContain('devenv_services{phase="healthy"} 0');
    expect(paused).toContain('devenv_service_healthy{service="temporal"} 0');
    expect(body).toContain('devenv_service_restarts{service="worker"} 3');
    expect(body).toContain('devenv_service_healthy{service="temporal"} 1');
    expect(body).toContain('devenv_service_healthy{service="loki"} 0');
    expect(body).toContain('devenv_log_records_dropped{sink="loki"} 7');
    expect(body).toContain('devenv_log_records 42');
    expect((await fetch(`http://127.0.0.1:${endpoint.port}/other`)).status).toBe(404);
  });

  it('answers only loopback names and no foreign origin (issue #16: DNS rebinding)', async () => {
    const started = await startMetricsEndpoint(
      { getState: () => initialEngineState(['worker']), logStats: () => stats },
      0,
    );
    if (!started.ok) throw new Error(started.error.reason);
    endpoint = started.value;
    const port = endpoint.port;
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) =>
        httpGet({ host: '127.0.0.1', port, path: '/metrics', headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject),
      );
    expect(await status({ host: `rebound.attacker.example:${port}` })).toBe(403);
    expect(await status({ origin: 'http://attacker.example' })).toBe(403);
    expect(await status({ host: `localhost:${port}` })).toBe(200);
    expect(await status({})).toBe(200);
  });

  it('reports a taken port as a value instead of throwing', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      const started = await startMetricsEndpoint(
        { getState: () => stateWith(), logStats: () => stats },
        port,
      );
      expect(started).toEqual({ ok: false, error: { reason: 'port-in-use', port } });
    } finally {
      holder.close();
    }
  });

  it('reads DEVENV_METRICS_PORT', () => {
    expect(metricsPortFrom({})).toEqual({ ok: true, value: 9469 });
    expect(metricsPortFrom({ DEVENV_METRICS_PORT: 'off' })).toEqual({ ok: true, value: 'off' });
    expect(metricsPortFrom({ DEVENV_METRICS_PORT: '0' })).toEqual({ ok: true, value: 0 });
    expect(metricsPortFrom({ DEVENV_METRICS_PORT: 'x' }).ok).toBe(false);
  });
});
