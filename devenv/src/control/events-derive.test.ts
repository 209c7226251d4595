import { describe, expect, it } from 'vitest';
import {
  initialEngineState,
  initialServiceState,
  type EngineState,
  type ServiceState,
} from '../engine/service-state.js';
import { deriveEvents, exitStatus, rememberAfter, type KnownIds } from './events-derive.js';

const AT = Date.UTC(2026, 11, 5, 11, 0, 0, 123);

function stateWith(services: Record<string, Partial<ServiceState>>): EngineState {
  const base = initialEngineState(Object.keys(services));
  return {
    ...base,
    services: Object.fromEntries(
      Object.entries(services).map(([name, s]) => [name, { ...initialServiceState(name), ...s }]),
    ),
  };
}

const actions = (before: EngineState, after: EngineState, known: KnownIds = new Map()) =>
  deriveEvents(before, after, AT, known).map((e) => `${e.action} ${e.id}`);

const running = { phase: 'healthy', runtime: 'native', pid: 100, startedAt: 1 } as const;

describe('deriveEvents: engine state before and after → Compose events', () => {
  it('a first run is created, started and then healthy, in the shape of compose events --json', () => {
    const before = stateWith({ api: {} });
    const after = stateWith({ api: { ...running, phase: 'starting' } });
    expect(deriveEvents(before, after, AT)).toEqual([
      {
        time: '2026-12-05T11:00:00.123Z',
        type: 'container',
        action: 'create',
        id: '100',
        service: 'api',
        attributes: { name: 'api', runtime: 'native' },
      },
      expect.objectContaining({ action: 'start', id: '100' }),
    ]);
    const healthy = stateWith({ api: running });
    expect(actions(after, healthy)).toEqual(['health_status: healthy 100']);
  });

  it('a run that ends dies with its status code under the old id, though the next run began', () => {
    const before = stateWith({ api: running });
    const after = stateWith({
      api: {
        ...running,
        phase: 'starting',
        pid: 200,
        startedAt: 2,
        restarts: 1,
        lastExit: { code: null, signal: 'SIGKILL', at: 2 },
      },
    });
    expect(actions(before, after)).toEqual(['die 100', 'start 200', 'restart 200']);
    expect(deriveEvents(before, after, AT)[0]!.attributes).toEqual({
      name: 'api',
      runtime: 'native',
      exitCode: '137',
      signal: 'SIGKILL',
    });
  });

  it('a stop reported after its die names the run that ended, from the ids known', () => {
    const before = stateWith({ api: running });
    const dying = stateWith({
      api: {
        ...running,
        phase: 'stopping',
        pid: undefined,
        lastExit: { code: 0, signal: null, at: 2 },
      },
    });
    const first = deriveEvents(before, dying, AT);
    expect(first.map((e) => e.action)).toEqual(['die']);
    const stopped = stateWith({ api: { ...dying.services['api']!, phase: 'stopped' } });
    expect(actions(dying, stopped, new Map(rememberAfter(new Map(), dying, first)))).toEqual([
      'stop 100',
    ]);
  });

  it('a run after devenv stop or kill is a start; after a restart, a start and a restart', () => {
    const ended = { ...running, phase: 'stopped', pid: undefined } as const;
    const stopped = stateWith({ api: { ...ended, userStopped: true } });
    // `devenv start` clears userStopped a step before the new run begins.
    const asked = stateWith({ api: { ...ended, phase: 'pending' } });
    const again = stateWith({ api: { ...running, phase: 'starting', pid: 200, startedAt: 2 } });
    const known = rememberAfter(new Map(), stopped, []);
    expect(actions(stopped, asked, new Map(known))).toEqual([]);
    const afterAsk = rememberAfter(known, asked, []);
    expect(actions(asked, again, new Map(afterAsk))).toEqual(['start 200']);
    const restarted = stateWith({ api: { ...ended, phase: 'pending' } });
    expect(actions(restarted, again, new Map(rememberAfter(new Map(), restarted, [])))).toEqual([
      'start 200',
      'restart 200',
    ]);
  });

  it('a container is named by its id; pause, unpause, unhealthy and a replica scaled away', () => {
    const box = { ...running, runtime: 'docker', containerId: 'c0ffee' } as const;
    const before = stateWith({ box, 'worker-2': running });
    const paused = stateWith({ box: { ...box, paused: true, phase: 'unhealthy' } });
    expect(actions(before, paused)).toEqual([
      'pause c0ffee',
      'health_status: unhealthy c0ffee',
      'destroy 100',
    ]);
    expect(actions(paused, stateWith({ box: { ...box, phase: 'unhealthy' } }))).toEqual([
      'unpause c0ffee',
    ]);
  });

  it('a start that failed before any process ran is no die; nothing changed is no event', () => {
    const before = stateWith({ api: {} });
    const failed = stateWith({
      api: { phase: 'crashed', lastExit: { code: null, signal: null, at: 1 } },
    });
    expect(actions(before, failed)).toEqual([]);
    expect(actions(failed, failed)).toEqual([]);
  });

  it('a reload reports the service a save restarted once it is ready, with how long it took', () => {
    const before = stateWith({ api: running });
    const after = {
      ...before,
      panels: {
        ...before.panels,
        reloadReady: { service: 'api', savedAt: 1_000, readyAt: 1_750, detail: 'ok' },
      },
    };
    expect(deriveEvents(before, after, AT)).toEqual([
      expect.objectContaining({
        action: 'reload',
        id: '100',
        attributes: expect.objectContaining({ readyMs: '750' }),
      }),
    ]);
  });

  it('exit status as a container reports it', () => {
    expect([exitStatus(3, null), exitStatus(null, 'SIGTERM'), exitStatus(null, null)]).toEqual([
      3, 143, 1,
    ]);
  });
});
