import { describe, expect, it } from 'vitest';
import type { ProbeSpec } from '../model/stack.js';
import { testStack } from '../../test/stack-builder.js';
import { BACKOFF_BASE_MS } from './backoff.js';
import { STABLE_RUN_MS } from './reducer.js';
import {
  decideAfterExit,
  nextStartAfterExit,
  nextStartAfterFailedStart,
} from './restart-policy.js';
import { initialServiceState, type ServiceState } from './service-state.js';

const probe: ProbeSpec = {
  check: { kind: 'tcp', host: '127.0.0.1', port: 1 },
  periodMs: 1_000,
  timeoutMs: 500,
  failureThreshold: 3,
  startTimeoutMs: 30_000,
  restartUnhealthy: true,
};

function service(overrides: Partial<ServiceState>): ServiceState {
  return { ...initialServiceState('api'), ...overrides };
}

describe('nextStartAfterExit', () => {
  const at = 100_000;
  const spec = (restart: 'no' | 'always' | 'on-failure') => ({
    restart,
    devenv: testStack('/', { api: { command: ['x'] } }).services['api']!.devenv,
  });
  const withProbe = (restart: 'no' | 'on-failure', restartUnhealthy: boolean) => {
    const base = spec(restart);
    return { ...base, devenv: { ...base.devenv, probe: { ...probe, restartUnhealthy } } };
  };
  const unhealthy = { cause: 'unhealthy', detail: 'unhealthy: 3 failed checks' } as const;
  const timedOut = { cause: 'start-timeout', detail: 'not ready after 30 s' } as const;

  const cases: {
    name: string;
    state: Partial<ServiceState>;
    spec: ReturnType<typeof spec>;
    code: number | null;
    restarts: boolean;
  }[] = [
    {
      name: 'crash, restart: no',
      state: { phase: 'healthy' },
      spec: spec('no'),
      code: 1,
      restarts: false,
    },
    {
      name: 'crash, on-failure',
      state: { phase: 'healthy' },
      spec: spec('on-failure'),
      code: 1,
      restarts: true,
    },
    {
      name: 'SIGKILL (no code), on-failure',
      state: { phase: 'healthy' },
      spec: spec('on-failure'),
      code: null,
      restarts: true,
    },
    {
      name: 'clean exit, on-failure',
      state: { phase: 'healthy' },
      spec: spec('on-failure'),
      code: 0,
      restarts: false,
    },
    {
      name: 'clean exit, always',
      state: { phase: 'healthy' },
      spec: spec('always'),
      code: 0,
      restarts: true,
    },
    {
      name: 'stopped for being unhealthy, restart: no',
      state: { phase: 'unhealthy', healthFailure: unhealthy },
      spec: withProbe('no', true),
      code: 0,
      restarts: true,
    },
    {
      name: 'stopped at its start timeout, restart: no',
      state: { phase: 'starting', healthFailure: timedOut },
      spec: withProbe('no', true),
      code: null,
      restarts: true,
    },
    {
      name: 'start timeout with restart_unhealthy off follows the policy (no)',
      state: { phase: 'starting', healthFailure: timedOut },
      spec: withProbe('no', false),
      code: null,
      restarts: false,
    },
    {
      name: 'start timeout with restart_unhealthy off follows the policy (on-failure)',
      state: { phase: 'starting', healthFailure: timedOut },
      spec: withProbe('on-failure', false),
      code: null,
      restarts: true,
    },
    {
      name: 'stopped by the user',
      state: { phase: 'stopping' },
      spec: spec('always'),
      code: null,
      restarts: false,
    },
    {
      name: 'user-stopped earlier',
      state: { phase: 'healthy', userStopped: true },
      spec: spec('always'),
      code: 1,
      restarts: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const next = nextStartAfterExit(service(c.state), c.spec, { code: c.code, at }, 0.5);
      expect(next !== undefined).toBe(c.restarts);
    });
  }

  it('backs off exponentially through a crash streak and forgets it after a stable run', () => {
    const delay = (s: Partial<ServiceState>) =>
      nextStartAfterExit(service(s), spec('on-failure'), { code: 1, at }, 0.5)! - at;
    // The first crash restarts at once; the second waits 0.1 s, the third 0.2 s, …
    expect(delay({ phase: 'healthy', crashStreak: 0 })).toBe(0);
    expect(delay({ phase: 'healthy', crashStreak: 1, readyAt: at - 1 })).toBe(BACKOFF_BASE_MS);
    expect(delay({ phase: 'healthy', crashStreak: 3, readyAt: at - 1 })).toBe(4 * BACKOFF_BASE_MS);
    expect(delay({ phase: 'healthy', crashStreak: 5, readyAt: at - STABLE_RUN_MS })).toBe(0);
  });

  it('counts a health stop as a crash even when the service exited 0 on SIGTERM', () => {
    const next = nextStartAfterExit(
      service({ phase: 'starting', crashStreak: 2, healthFailure: timedOut }),
      withProbe('no', true),
      { code: 0, at },
      0.5,
    );
    // The third failure in a row: 0.2 s.
    expect(next! - at).toBe(2 * BACKOFF_BASE_MS);
  });
});

describe('decideAfterExit', () => {
  const spec = (restart: 'no' | 'on-failure') => ({
    restart,
    devenv: testStack('/', { api: { command: ['x'] } }).services['api']!.devenv,
  });
  const exit = (code: number | null, signal: string | null = null) => ({ code, signal, at: 1_000 });
  const running = service({
    phase: 'healthy',
    startedAt: 0,
    readyAt: 0,
    restarts: 2,
    crashStreak: 1,
  });

  const table: {
    name: string;
    before: ServiceState | undefined;
    spec: ReturnType<typeof spec>;
    exit: ReturnType<typeof exit>;
    shuttingDown?: boolean;
    restartAt: number | undefined;
    message: string;
  }[] = [
    {
      name: 'a crash the policy restarts: when, and which restart',
      before: running,
      spec: spec('on-failure'),
      exit: exit(3),
      restartAt: 1_100,
      message: 'exited with code 3; restarting in 0.1 s (restart 3)',
    },
    {
      name: 'killed, restart: no',
      before: running,
      spec: spec('no'),
      exit: exit(null, 'SIGKILL'),
      restartAt: undefined,
      message: 'killed by SIGKILL',
    },
    {
      name: 'a crash during shutdown is not restarted',
      before: running,
      spec: spec('on-failure'),
      exit: exit(3),
      shuttingDown: true,
      restartAt: undefined,
      message: 'exited with code 3',
    },
    {
      name: 'a service devenv stopped for its health: why, and it comes back',
      before: {
        ...running,
        phase: 'unhealthy',
        healthFailure: { cause: 'unhealthy', detail: 'unhealthy: 3 failed checks (x)' },
      },
      spec: spec('no'),
      exit: exit(0),
      restartAt: 1_100,
      message:
        'exited with code 0 (stopped by devenv: unhealthy: 3 failed checks (x)); restarting in 0.1 s (restart 3)',
    },
    {
      name: 'a service no longer in the store',
      before: undefined,
      spec: spec('on-failure'),
      exit: exit(3),
      restartAt: undefined,
      message: 'exited with code 3',
    },
  ];
  for (const c of table) {
    it(c.name, () => {
      expect(decideAfterExit(c.before, c.spec, c.exit, c.shuttingDown ?? false, 0.5)).toEqual({
        restartAt: c.restartAt,
        message: c.message,
      });
    });
  }

  it('rounds the wait to a tenth of a second', () => {
    const streak4 = service({ phase: 'healthy', readyAt: 999, crashStreak: 3 });
    // 400 ms × 0.8 + 0.4 × 0.3 jitter = 368 ms
    expect(decideAfterExit(streak4, spec('on-failure'), exit(1), false, 0.3).message).toBe(
      'exited with code 1; restarting in 0.4 s (restart 1)',
    );
  });
});

describe('nextStartAfterFailedStart', () => {
  const spec = {
    restart: 'on-failure' as const,
    devenv: testStack('/', { api: { command: ['x'] } }).services['api']!.devenv,
  };
  it('one backoff step after the failure (already counted once in the streak)', () => {
    const failed = service({ phase: 'crashed', crashStreak: 1 });
    expect(nextStartAfterFailedStart(failed, spec, false, 1_000, 0.5)).toBe(
      1_000 + BACKOFF_BASE_MS,
    );
  });
  it('never during shutdown, nor for a service not in the store', () => {
    expect(
      nextStartAfterFailedStart(service({ phase: 'crashed' }), spec, true, 0, 0.5),
    ).toBeUndefined();
    expect(nextStartAfterFailedStart(undefined, spec, false, 0, 0.5)).toBeUndefined();
  });
  it('never for a service whose policy is restart: no', () => {
    expect(
      nextStartAfterFailedStart(
        service({ phase: 'crashed' }),
        { ...spec, restart: 'no' },
        false,
        0,
        0.5,
      ),
    ).toBeUndefined();
  });
});
