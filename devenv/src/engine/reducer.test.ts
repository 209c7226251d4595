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
