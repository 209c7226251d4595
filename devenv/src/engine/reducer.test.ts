import { describe, expect, it } from 'vitest';
import type { EngineAction } from './actions.js';
import { reduce } from './reducer.js';
import { initialEngineState, type EngineState, type ServiceState } from './service-state.js';

function stateWith(api: Partial<ServiceState>): EngineState {
  const base = initialEngineState(['api']);
  return { ...base, services: { api: { ...base.services['api']!, ...api } } };
}

const apply = (state: EngineState, ...actions: EngineAction[]) =>
  actions.reduce(reduce, state).services['api']!;

const unhealthy = { cause: 'unhealthy', detail: 'unhealthy: 3 failed checks (HTTP 500)' } as const;

describe('reduce', () => {
  it('a health failure, then the exit it caused: crashed, with why, and a failure even at code 0', () => {
    const api = apply(
      stateWith({ phase: 'unhealthy', startedAt: 0, readyAt: 1, pid: 7, crashStreak: 0 }),
      { type: 'service/health-failed', service: 'api', failure: unhealthy },
      { type: 'service/exited', service: 'api', code: 0, signal: null, at: 5, restartAt: 105 },
    );
    expect(api).toMatchObject({
      phase: 'crashed',
      reason: unhealthy.detail,
      healthFailure: unhealthy,
      crashStreak: 1,
      nextStartAt: 105,
      pid: undefined,
    });
  });

  it('the next start forgets the health failure', () => {
    const api = apply(
      stateWith({ phase: 'crashed', healthFailure: unhealthy, reason: unhealthy.detail }),
      { type: 'service/requeued', service: 'api', cause: 'backoff' },
      {
        type: 'service/started',
        service: 'api',
        runtime: 'native',
        pid: 9,
        containerId: undefined,
        at: 10,
      },
    );
    expect(api).toMatchObject({ phase: 'starting', healthFailure: undefined, reason: undefined });
  });

  it('a kill that ends the run: when it exits it is stopped, not crashed, and stays down', () => {
    const api = apply(
      stateWith({ phase: 'healthy', startedAt: 0, readyAt: 1, pid: 7 }),
      { type: 'service/killed', service: 'api' },
      {
        type: 'service/exited',
        service: 'api',
        code: null,
        signal: 'SIGKILL',
        at: 5,
        restartAt: undefined,
      },
    );
    expect(api).toMatchObject({
      phase: 'stopped',
      userStopped: true,
      lastExit: { code: null, signal: 'SIGKILL', at: 5 },
      crashStreak: 0,
      pid: undefined,
    });
    // A user start forgives it, as after a stop.
    expect(
      apply(stateWith(api), { type: 'service/requeued', service: 'api', cause: 'user' }),
    ).toMatchObject({ phase: 'pending', userStopped: false });
  });

  it('a kill of a service that is not running changes nothing', () => {
    const before = stateWith({ phase: 'crashed', nextStartAt: 9 });
    expect(reduce(before, { type: 'service/killed', service: 'api' })).toBe(before);
  });

  it('pause and unpause mark a running service; its exit or next start clears the mark', () => {
    const paused = apply(stateWith({ phase: 'healthy', pid: 7 }), {
      type: 'service/paused',
      service: 'api',
      paused: true,
    });
    expect(paused).toMatchObject({ phase: 'healthy', paused: true });
    expect(
      apply(stateWith(paused), { type: 'service/paused', service: 'api', paused: false }),
    ).toMatchObject({ paused: false });
    expect(
      apply(stateWith(paused), {
        type: 'service/exited',
        service: 'api',
        code: 1,
        signal: null,
        at: 3,
        restartAt: 100,
      }),
    ).toMatchObject({ phase: 'crashed', paused: false });
    const stopped = stateWith({ phase: 'stopped' });
    expect(reduce(stopped, { type: 'service/paused', service: 'api', paused: true })).toBe(stopped);
  });

  it('ignores a health failure of a service that is not running', () => {
    const before = stateWith({ phase: 'stopped' });
    expect(
      reduce(before, { type: 'service/health-failed', service: 'api', failure: unhealthy }),
    ).toBe(before);
  });

  it('keeps an unavailable service unavailable, with its reason, when it is stopped', () => {
    const api = apply(
      stateWith({ phase: 'unavailable', reason: 'install PostgreSQL' }),
      { type: 'service/stopping', service: 'api', userRequested: true },
      { type: 'service/stopped', service: 'api', at: 3 },
    );
    expect(api).toMatchObject({ phase: 'unavailable', reason: 'install PostgreSQL' });
  });

  it('a clean exit with no restart wanted completes; with a restart wanted it is a crash to come back', () => {
    const running = stateWith({ phase: 'healthy', startedAt: 0, readyAt: 0 });
    const exit = { type: 'service/exited', service: 'api', code: 0, signal: null, at: 5 } as const;
    expect(apply(running, { ...exit, restartAt: undefined }).phase).toBe('completed');
    expect(apply(running, { ...exit, restartAt: 200 })).toMatchObject({
      phase: 'crashed',
      nextStartAt: 200,
    });
  });
});

const running = { phase: 'healthy', startedAt: 0, readyAt: 0, pid: 7 } as const;
const probedAt = (ok: boolean, failureThreshold = 3) =>
  ({
    type: 'service/probed',
    service: 'api',
    ok,
    detail: ok ? 'ok' : 'down',
    at: 9,
    failureThreshold,
  }) as const;
const exited = (code: number | null, restartAt?: number, signal: string | null = null) =>
  ({ type: 'service/exited', service: 'api', code, signal, at: 50, restartAt }) as const;
const requeued = (cause: 'backoff' | 'user') =>
  ({ type: 'service/requeued', service: 'api', cause }) as const;

/** Each action from the phases it applies to and from one it leaves alone. */
const table: {
  readonly name: string;
  readonly from: Partial<ServiceState>;
  readonly action: EngineAction;
  readonly shuttingDown?: boolean;
  readonly expected: Partial<ServiceState> | 'unchanged';
}[] = [
  {
    name: 'unavailable: from pending, with the reason',
    from: {},
    action: { type: 'service/unavailable', service: 'api', reason: 'install go' },
    expected: { phase: 'unavailable', reason: 'install go' },
  },
  {
    name: 'blocked: from pending',
    from: {},
    action: { type: 'service/blocked', service: 'api', reason: 'needs db' },
    expected: { phase: 'blocked', reason: 'needs db' },
  },
  {
    name: 'blocked: not once it runs',
    from: running,
    action: { type: 'service/blocked', service: 'api', reason: 'needs db' },
    expected: 'unchanged',
  },
  {
    name: 'started: starting, with what runs it, past run forgotten',
    from: {
      phase: 'pending',
      readyAt: 3,
      lastProbe: { ok: false, at: 1, detail: 'x', consecutiveFailures: 2 },
      nextStartAt: 4,
      reason: 'r',
    },
    action: {
      type: 'service/started',
      service: 'api',
      runtime: 'docker',
      pid: undefined,
      containerId: 'c1',
      at: 10,
    },
    expected: {
      phase: 'starting',
      runtime: 'docker',
      containerId: 'c1',
      startedAt: 10,
      readyAt: undefined,
      lastProbe: undefined,
      nextStartAt: undefined,
      reason: undefined,
    },
  },
  {
    name: 'probed ok while starting: healthy, ready from then',
    from: { phase: 'starting', startedAt: 0 },
    action: probedAt(true),
    expected: {
      phase: 'healthy',
      readyAt: 9,
      lastProbe: { ok: true, at: 9, detail: 'ok', consecutiveFailures: 0 },
    },
  },
  {
    name: 'probed ok again: ready time kept',
    from: running,
    action: probedAt(true),
    expected: { phase: 'healthy', readyAt: 0 },
  },
  {
    name: 'probed failing while starting: still starting, however many failures',
    from: {
      phase: 'starting',
      lastProbe: { ok: false, at: 1, detail: 'x', consecutiveFailures: 5 },
    },
    action: probedAt(false),
    expected: {
      phase: 'starting',
      lastProbe: { ok: false, at: 9, detail: 'down', consecutiveFailures: 6 },
    },
  },
  {
    name: 'probed failing after ready, below the threshold: still healthy',
    from: { ...running, lastProbe: { ok: false, at: 1, detail: 'x', consecutiveFailures: 1 } },
    action: probedAt(false),
    expected: {
      phase: 'healthy',
      lastProbe: { ok: false, at: 9, detail: 'down', consecutiveFailures: 2 },
    },
  },
  {
    name: 'probed failing after ready, at the threshold: unhealthy',
    from: { ...running, lastProbe: { ok: false, at: 1, detail: 'x', consecutiveFailures: 2 } },
    action: probedAt(false),
    expected: { phase: 'unhealthy' },
  },
  {
    name: 'probed ok while unhealthy: healthy again',
    from: { ...running, phase: 'unhealthy' },
    action: probedAt(true),
    expected: { phase: 'healthy', reason: undefined },
  },
  {
    name: 'probed: ignored once stopping',
    from: { phase: 'stopping' },
    action: probedAt(true),
    expected: 'unchanged',
  },
  {
    name: 'health-failed: recorded on a running service',
    from: running,
    action: { type: 'service/health-failed', service: 'api', failure: unhealthy },
    expected: { phase: 'healthy', healthFailure: unhealthy, reason: unhealthy.detail },
  },
  {
    name: 'start-failed: crashed, counted in the streak',
    from: { crashStreak: 1 },
    action: { type: 'service/start-failed', service: 'api', reason: 'port in use', at: 5 },
    expected: {
      phase: 'crashed',
      reason: 'port in use',
      crashStreak: 2,
      lastExit: { code: null, signal: null, at: 5 },
    },
  },
  {
    name: 'exited with a failure, restart scheduled: crashed, says how',
    from: { ...running, crashStreak: 0 },
    action: exited(3, 150),
    expected: {
      phase: 'crashed',
      reason: 'exited with code 3',
      crashStreak: 1,
      nextStartAt: 150,
      pid: undefined,
    },
  },
  {
    name: 'killed, no restart: crashed for good',
    from: running,
    action: exited(null, undefined, 'SIGKILL'),
    expected: {
      phase: 'crashed',
      reason: 'killed by SIGKILL',
      nextStartAt: undefined,
      lastExit: { code: null, signal: 'SIGKILL', at: 50 },
    },
  },
  {
    name: 'exited 0, no restart: completed, streak kept',
    from: { ...running, crashStreak: 2 },
    action: exited(0),
    expected: { phase: 'completed', crashStreak: 2, reason: undefined },
  },
  {
    name: 'exited while stopping: stopped, whatever the code',
    from: { ...running, phase: 'stopping', nextStartAt: 3 },
    action: exited(143, 200),
    expected: { phase: 'stopped', nextStartAt: undefined },
  },
  {
    name: 'exited during shutdown: stopped',
    from: running,
    shuttingDown: true,
    action: exited(1, 200),
    expected: { phase: 'stopped' },
  },
  {
    name: 'stopping: from running, remembering who asked',
    from: running,
    action: { type: 'service/stopping', service: 'api', userRequested: true },
    expected: { phase: 'stopping', userStopped: true },
  },
  {
    name: 'stopping: a crashed service waiting for its backoff loses the restart',
    from: { phase: 'crashed', nextStartAt: 99 },
    action: { type: 'service/stopping', service: 'api', userRequested: false },
    expected: { phase: 'stopping', nextStartAt: undefined, userStopped: false },
  },
  {
    name: 'stopping: a stopped service only records that the user asked',
    from: { phase: 'stopped' },
    action: { type: 'service/stopping', service: 'api', userRequested: true },
    expected: { phase: 'stopped', userStopped: true },
  },
  {
    name: 'stopping: a completed one stays completed',
    from: { phase: 'completed' },
    action: { type: 'service/stopping', service: 'api', userRequested: true },
    expected: 'unchanged',
  },
  {
    name: 'stopped: stopped, nothing left running',
    from: { phase: 'stopping', pid: 7, containerId: 'c' },
    action: { type: 'service/stopped', service: 'api', at: 60 },
    expected: { phase: 'stopped', pid: undefined, containerId: undefined },
  },
  {
    name: 'requeued after a backoff: pending, one restart more, streak and health failure kept',
    from: {
      phase: 'crashed',
      startedAt: 0,
      restarts: 1,
      crashStreak: 2,
      healthFailure: unhealthy,
      nextStartAt: 9,
      reason: 'r',
    },
    action: requeued('backoff'),
    expected: {
      phase: 'pending',
      restarts: 2,
      crashStreak: 2,
      healthFailure: unhealthy,
      nextStartAt: undefined,
      reason: undefined,
    },
  },
  {
    name: 'requeued by the user: past crashes forgiven',
    from: {
      phase: 'stopped',
      startedAt: 0,
      userStopped: true,
      crashStreak: 4,
      healthFailure: unhealthy,
    },
    action: requeued('user'),
    expected: {
      phase: 'pending',
      userStopped: false,
      restarts: 1,
      crashStreak: 0,
      healthFailure: undefined,
    },
  },
  {
    name: 'requeued before it ever started: no restart counted',
    from: { phase: 'blocked' },
    action: requeued('user'),
    expected: { phase: 'pending', restarts: 0 },
  },
  {
    name: 'requeued after a backoff: not once the user stopped it',
    from: { phase: 'stopped', userStopped: true },
    action: requeued('backoff'),
    expected: 'unchanged',
  },
  {
    // Stopped by the user while its launch was in flight, and then the start failed.
    name: 'requeued after a backoff: not a crash the user had stopped',
    from: { phase: 'crashed', userStopped: true },
    action: requeued('backoff'),
    expected: 'unchanged',
  },
  {
    name: 'requeued: not while it runs',
    from: running,
    action: requeued('user'),
    expected: 'unchanged',
  },
  {
    name: 'requeued: not when unavailable',
    from: { phase: 'unavailable' },
    action: requeued('user'),
    expected: 'unchanged',
  },
  {
    name: 'requeued: not during shutdown',
    from: { phase: 'crashed' },
    shuttingDown: true,
    action: requeued('backoff'),
    expected: 'unchanged',
  },
];

describe('reduce: each action, table', () => {
  for (const row of table) {
    it(row.name, () => {
      const before = { ...stateWith(row.from), shuttingDown: row.shuttingDown ?? false };
      const after = reduce(before, row.action);
      if (row.expected === 'unchanged') expect(after).toBe(before);
      else expect(after.services['api']).toMatchObject(row.expected);
    });
  }

  it('shutting down: flags the engine once', () => {
    const before = stateWith({});
    const after = reduce(before, { type: 'engine/shutting-down' });
    expect(after.shuttingDown).toBe(true);
    expect(reduce(after, { type: 'engine/shutting-down' })).toBe(after);
  });

  it('an action for a service not in the stack changes nothing', () => {
    const before = stateWith(running);
    expect(reduce(before, { type: 'service/requeued', service: 'nope', cause: 'user' })).toBe(
      before,
    );
  });
});
