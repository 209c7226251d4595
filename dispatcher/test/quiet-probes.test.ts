import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeHttp } from '../../devenv/src/health/http-probe.js';
import { freePort } from '../../devenv/src/process/free-port.js';
import { waitUntil } from '../../devenv/test/wait-until.js';
import { startDispatcherProcess, type DispatcherProcess } from './dispatcher-process.js';

/**
 * devenv's http probe (the real one) against the real dispatcher process: a passing probe leaves
 * no request line in its log, a normal request does, and a failing probe (/readyz while Temporal
 * is down, here a port nobody listens on) is logged at warn, once for a run of the same failure.
 */
let dispatcher: DispatcherProcess;
const PINO_INFO = 30;
const PINO_WARN = 40;

beforeAll(async () => {
  dispatcher = await startDispatcherProcess({
    TEMPORAL_HOST: `127.0.0.1:${await freePort()}`,
    DISPATCHER_RATE_LIMIT_PER_MINUTE: '0',
  });
}, 60_000);

afterAll(async () => {
  await dispatcher?.stop();
});

const requestLines = (route: string) =>
  dispatcher.logs.filter((line) => line['msg'] === 'request completed' && line['route'] === route);

/** A normal GET with a request id of our choosing; resolves once its log line is written. */
async function normalRequest(path: string, requestId: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${dispatcher.httpUrl}${path}`, {
    headers: { 'x-request-id': requestId },
  });
  await response.body?.cancel();
  return waitUntil(`the log line of ${requestId}`, 10_000, () =>
    dispatcher.logs.find((line) => line['request_id'] === requestId),
  );
}

describe('devenv probes in the dispatcher log', () => {
  it('a passing probe is not logged; a normal request to the same route is', async () => {
    const probe = await probeHttp(`${dispatcher.httpUrl}/healthz`, undefined, 5_000);
    expect(probe.ok).toBe(true);
    // Lines are written in order: once the later normal request's line is there, the probe's
    // would be too.
    const normal = await normalRequest('/healthz', 'normal-healthz');
    expect(normal).toMatchObject({ level: PINO_INFO, route: '/healthz', status: 200 });
    expect(requestLines('/healthz').map((line) => line['request_id'])).toEqual(['normal-healthz']);
  });

  it('a failing probe is logged at warn, once however often it fails in a row', async () => {
    for (let i = 0; i < 3; i++) {
      const probe = await probeHttp(`${dispatcher.httpUrl}/readyz`, undefined, 15_000);
      expect(probe).toMatchObject({ ok: false });
    }
    await normalRequest('/readyz', 'normal-readyz');
    expect(requestLines('/readyz')).toEqual([
      expect.objectContaining({ level: PINO_WARN, method: 'GET', status: 503 }),
      expect.objectContaining({ level: PINO_INFO, status: 503, request_id: 'normal-readyz' }),
    ]);
  });
});
