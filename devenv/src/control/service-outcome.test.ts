import { describe, expect, it } from 'vitest';
import { initialServiceState, type ServiceState } from '../engine/service-state.js';
import { requestedResult, settledResult, timedOutResult } from './service-outcome.js';

const service = (fields: Partial<ServiceState>): ServiceState => ({
  ...initialServiceState('api'),
  startedAt: 1_000,
  ...fields,
});
const healthy = service({ phase: 'healthy', pid: 41, readyAt: 1_100 });
const stopped = service({ phase: 'stopped', userStopped: true });

describe('settledResult', () => {
  it('waits while the service is on its way', () => {
    for (const phase of ['pending', 'starting', 'stopping'] as const)
      for (const action of ['restart', 'start'] as const)
        expect(settledResult(action, healthy, service({ phase }), false)).toBeUndefined();
  });

  it('succeeds once the new run is ready, with its pid and restart count', () => {
    expect(
      settledResult(
        'restart',
        healthy,
        service({ phase: 'healthy', pid: 42, readyAt: 2_000, restarts: 1 }),
        false,
      ),
    ).toEqual({
      ok: true,
      phase: 'healthy',
      pid: 42,
      restarts: 1,
      message: 'restarted: ready (pid 42), restarts 1',
    });
    expect(settledResult('start', stopped, service({ phase: 'completed' }), false)).toMatchObject({
      ok: true,
      message: 'started: completed',
    });
  });

  it('counts a run that got ready and then failed a probe as ready', () => {
    const unhealthy = service({ phase: 'unhealthy', pid: 42, readyAt: 2_000 });
    expect(settledResult('restart', healthy, unhealthy, false)?.ok).toBe(true);
  });

  it('says a start of a running service left it as it was', () => {
    expect(settledResult('start', healthy, healthy, false)?.message).toBe(
      'already running (pid 41)',
    );
  });

  it('fails at once when the service crashes, cannot run, is blocked or is stopped', () => {
    const cases: [ServiceState, string, string][] = [
      [
        service({ phase: 'crashed', reason: 'exited with code 3', nextStartAt: 9_000 }),
        'crashed',
        'crashed: exited with code 3 (devenv restarts it after a backoff)',
      ],
      [
        service({ phase: 'crashed', reason: 'exited with code 3' }),
        'crashed',
        'crashed: exited with code 3',
      ],
      [
        service({ phase: 'unavailable', reason: 'k6 is not installed' }),
        'unavailable',
        'unavailable: k6 is not installed',
      ],
      [
        service({ phase: 'blocked', reason: 'needs db, which is unavailable' }),
        'blocked',
        'blocked: needs db, which is unavailable',
      ],
      [stopped, 'stopped', 'stopped before it was ready'],
    ];
    for (const [now, reason, message] of cases)
      expect(settledResult('restart', healthy, now, false)).toMatchObject({
        ok: false,
        reason,
        message,
      });
  });

  it('fails restarts and starts once devenv stops the stack', () => {
    expect(settledResult('start', stopped, service({ phase: 'pending' }), true)).toMatchObject({
      ok: false,
      reason: 'shutting-down',
    });
  });

  it('reports every stop as done, saying when nothing ran', () => {
    expect(settledResult('stop', healthy, stopped, false)?.message).toBe(
      'stopped; stays down until started',
    );
    expect(settledResult('stop', service({ phase: 'crashed' }), stopped, false)?.message).toBe(
      'was not running (crashed); stays down until started',
    );
    expect(
      settledResult('stop', service({ phase: 'unavailable', reason: 'no docker' }), stopped, true),
    ).toMatchObject({ ok: true, message: 'was not running (unavailable: no docker)' });
  });
});

describe('timedOutResult', () => {
  it('says how long it waited and what the probe says', () => {
    const starting = service({
      phase: 'starting',
      pid: 42,
      lastProbe: { ok: false, at: 2_000, detail: 'connection refused', consecutiveFailures: 4 },
    });
    expect(timedOutResult(starting, 1_500)).toEqual({
      ok: false,
      reason: 'timeout',
      phase: 'starting',
      pid: 42,
      restarts: 0,
      message: 'not ready after 1.5 s: still starting (connection refused)',
    });
  });
});

describe('requestedResult', () => {
  it('answers without waiting, unless the outcome is already known', () => {
    expect(requestedResult('restart', healthy, service({ phase: 'pending' }), false)).toMatchObject(
      {
        ok: true,
        message: 'restart requested (now pending)',
      },
    );
    expect(requestedResult('start', healthy, healthy, false).message).toBe(
      'already running (pid 41)',
    );
    expect(
      requestedResult(
        'start',
        stopped,
        service({ phase: 'unavailable', reason: 'no docker' }),
        false,
      ),
    ).toMatchObject({ ok: false, reason: 'unavailable' });
  });
});
