import { describe, expect, it } from 'vitest';
import type { ProbeSpec } from '../model/stack.js';
import { testStack } from '../../test/stack-builder.js';
import { BACKOFF_BASE_MS } from './backoff.js';
import { STABLE_RUN_MS } from './reducer.js';
import { healthFailureOf } from './health-policy.js';
import { dependantsRestartedWith, nextStartAfterExit } from './restart-policy.js';
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

const failing = (consecutiveFailures: number) => ({
  ok: false,
  at: 0,
  detail: 'HTTP 500',
  consecutiveFailures,
});

describe('healthFailureOf', () => {
  const cases: {
    name: string;
    state: Partial<ServiceState>;
    now: number;
    probe?: Partial<ProbeSpec>;
    expected: string | undefined;
  }[] = [
    {
      name: 'starting within its timeout',
      state: { phase: 'starting', startedAt: 0 },
      now: 29_000,
      expected: undefined,
    },
    {
      name: 'starting past its timeout',
      state: { phase: 'starting', startedAt: 0, lastProbe: failing(40) },
      now: 30_001,
      expected: 'start-timeout',
    },
    {
      name: 'past its timeout even when restart_unhealthy is off',
      state: { phase: 'starting', startedAt: 0 },
      now: 30_001,
      probe: { restartUnhealthy: false },
      expected: 'start-timeout',
    },
    {
      name: 'healthy',
      state: { phase: 'healthy', startedAt: 0 },
      now: 100_000,
      expected: undefined,
    },
    {
      name: 'unhealthy after ready',
      state: { phase: 'unhealthy', startedAt: 0, readyAt: 1, lastProbe: failing(3) },
      now: 100_000,
      expected: 'unhealthy',
    },
    {
      name: 'unhealthy, restart_unhealthy off',
      state: { phase: 'unhealthy', startedAt: 0, readyAt: 1, lastProbe: failing(3) },
      now: 100_000,
      probe: { restartUnhealthy: false },
      expected: undefined,
    },
    {
      name: 'stopping',
      state: { phase: 'stopping', startedAt: 0 },
      now: 100_000,
      expected: undefined,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const failure = healthFailureOf(service(c.state), { ...probe, ...c.probe }, c.now);
      expect(failure?.cause).toBe(c.expected);
    });
  }

  it('says what the probe said', () => {
    const failure = healthFailureOf(
      service({ phase: 'unhealthy', readyAt: 1, lastProbe: failing(3) }),
      probe,
      5,
    );
    expect(failure?.detail).toBe('unhealthy: 3 failed checks (HTTP 500)');
  });
});

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

describe('dependantsRestartedWith', () => {
  it("follows depends_on's restart: true, transitively, and nothing else", () => {
    const stack = testStack('/', {
      db: { command: ['x'] },
      api: { command: ['x'], dependsOn: { db: 'service_healthy' }, restartWith: ['db'] },
      web: { command: ['x'], dependsOn: { api: 'service_started' }, restartWith: ['api'] },
      jobs: { command: ['x'], dependsOn: { db: 'service_healthy' } },
    });
    expect(dependantsRestartedWith(stack, 'db')).toEqual(['api', 'web']);
    expect(dependantsRestartedWith(stack, 'api')).toEqual(['web']);
    expect(dependantsRestartedWith(stack, 'jobs')).toEqual([]);
  });
});
