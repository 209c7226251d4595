/**
 * Issue #20: devenv's probes (the real http probe) against both real worker processes, started
 * against a Temporal port nobody listens on, so they stay up and not ready: a passing probe
 * (/healthz) leaves no line in the worker's log, a failing one (/readyz, 503 "starting") is a
 * warning, and the same failure repeated stays one line.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeHttp } from '../../devenv/src/health/http-probe.js';
import { waitUntil } from '../../devenv/test/wait-until.js';
import { ensureWorkerPython, pythonWorkerCommand } from '../python/env.js';
import { freePort, spawnWorker, type WorkerProcess } from './support.js';

interface Started {
  readonly worker: WorkerProcess;
  readonly healthPort: number;
}

async function startTypeScriptWorker(temporal: string): Promise<Started> {
  const [healthPort, metricsPort] = await Promise.all([freePort(), freePort()]);
  const worker = spawnWorker(
    process.execPath,
    ['--import', 'tsx/esm', 'workers/typescript/src/worker.ts'],
    { TEMPORAL_HOST: temporal, DB_MIGRATE: '0', METRICS_PORT: String(metricsPort) },
    healthPort,
  );
  return { worker, healthPort };
}

async function startPythonWorker(temporal: string): Promise<Started> {
  const venv = await ensureWorkerPython();
  if (!venv.ok) throw new Error(`no Python worker venv: ${JSON.stringify(venv.error)}`);
  const command = pythonWorkerCommand(venv.value);
  const [healthPort, metricsPort] = await Promise.all([freePort(), freePort()]);
  const worker = spawnWorker(
    command.command,
    command.args,
    { ...command.env, TEMPORAL_HOST: temporal, METRICS_PORT: String(metricsPort) },
    healthPort,
  );
  return { worker, healthPort };
}

describe.each([
  ['TypeScript', startTypeScriptWorker],
  ['Python', startPythonWorker],
])('devenv probes in the %s worker log', (_name, start) => {
  let started: Started;
  const url = (path: string) => `http://127.0.0.1:${started.healthPort}${path}`;
  const probeLines = () => started.worker.jsonLines().filter((line) => 'path' in line);

  beforeAll(async () => {
    started = await start(`127.0.0.1:${await freePort()}`);
    await waitUntil('the health server', 60_000, async () => {
      const response = await fetch(url('/healthz')).catch(() => undefined);
      await response?.body?.cancel();
      return response?.status === 200 ? true : undefined;
    });
  }, 120_000);

  afterAll(async () => {
    await started?.worker.stop();
  });

  it('a passing probe leaves no line; a failing one is one warning, however often it fails', async () => {
    expect(await probeHttp(url('/healthz'), undefined, 5_000)).toMatchObject({ ok: true });
    for (let i = 0; i < 3; i++) {
      expect(await probeHttp(url('/readyz'), 200, 5_000)).toMatchObject({ ok: false });
      await sleep(50);
    }
    // Written in order: once the failure's line is there, the passing probe's would be too.
    await waitUntil('the failing probe in the log', 10_000, () =>
      probeLines().length > 0 ? true : undefined,
    );
    expect(probeLines()).toEqual([
      expect.objectContaining({
        level: 'warn',
        path: '/readyz',
        status: 503,
        answer: { status: 'not-ready', reason: 'starting' },
      }),
    ]);
  });
});
