import { describe, expect, it } from 'vitest';
import type { ProbeSpec } from '../model/stack.js';
import {
  afterProbe,
  FIRST_STARTING_PROBE_MS,
  firstProbeCadence,
  healthFailureOf,
  LAST_STARTING_PROBE_MS,
  type ProbeCadence,
  QUICK_STARTING_PROBE_MS,
  repeatsLastPass,
  startingWaitMs,
  untilNextBeat,
} from './health-policy.js';
import { initialServiceState, type ServiceState } from './service-state.js';

const probe: ProbeSpec = {
  check: { kind: 'tcp', host: '127.0.0.1', port: 1 },
  periodMs: 1_000,
  timeoutMs: 500,
  failureThreshold: 3,
  startTimeoutMs: 30_000,
  restartUnhealthy: true,
};
const service = (overrides: Partial<ServiceState>): ServiceState => ({
  ...initialServiceState('api'),
  startedAt: 0,
  ...overrides,
});
const okAnswer = { ok: true, detail: 'HTTP 200' };
const badAnswer = { ok: false, detail: 'HTTP 500' };

describe('afterProbe: what it says', () => {
  const table: {
    lastOk: boolean | undefined;
    answer: typeof okAnswer;
    note: string | undefined;
  }[] = [
    { lastOk: undefined, answer: okAnswer, note: 'ready: HTTP 200' },
    // A service that is still starting fails its first probes: that is not news.
    { lastOk: undefined, answer: badAnswer, note: undefined },
    { lastOk: true, answer: okAnswer, note: undefined },
    { lastOk: true, answer: badAnswer, note: 'probe failing: HTTP 500' },
    { lastOk: false, answer: badAnswer, note: undefined },
    { lastOk: false, answer: okAnswer, note: 'ready: HTTP 200' },
  ];
  for (const { lastOk, answer, note } of table) {
    it(`after ${lastOk ?? 'nothing'}, ${answer.ok} → ${note ?? 'nothing'}`, () => {
      const cadence = { ...firstProbeCadence, lastOk };
      const next = afterProbe(cadence, service({ phase: 'healthy' }), probe, answer, 10);
      expect(next.note).toBe(note);
    });
  }
});

describe('afterProbe: when to ask again', () => {
  const execProbe: ProbeSpec = { ...probe, check: { kind: 'exec', command: ['true'] } };
  const waits = (periodMs: number, probes: number) => {
    let cadence: ProbeCadence = firstProbeCadence;
    const out: number[] = [];
    for (let i = 0; i < probes; i++) {
      const next = afterProbe(
        cadence,
        service({ phase: 'starting' }),
        { ...execProbe, periodMs },
        badAnswer,
        10,
      );
      if (next.kind !== 'probe-again') throw new Error('replaced');
      out.push(Math.round(next.waitMs));
      cadence = next.cadence;
    }
    return out;
  };

  it('while starting, an exec probe: from 50 ms, ×1.2 each time, up to 250 ms', () => {
    expect(waits(5_000, 12)).toEqual([50, 60, 72, 86, 104, 124, 149, 179, 215, 250, 250, 250]);
    expect(FIRST_STARTING_PROBE_MS).toBe(50);
    expect(LAST_STARTING_PROBE_MS).toBe(250);
  });

  it('while starting, never longer than the period', () => {
    expect(waits(70, 4)).toEqual([50, 60, 70, 70]);
  });

  it('while starting, a tcp/http/grpc probe: 1/32 of the time since the start, from 5 ms to 250 ms', () => {
    const checks: ProbeSpec['check'][] = [
      probe.check,
      { kind: 'http', url: 'http://127.0.0.1:1/', expectStatus: undefined },
      { kind: 'grpc', address: '127.0.0.1:1', service: '' },
    ];
    for (const check of checks) {
      const spec: ProbeSpec = { ...probe, check };
      const at = (elapsedMs: number) => startingWaitMs(spec, firstProbeCadence, elapsedMs);
      expect([0, 100, 160, 320, 3_200, 60_000].map(at)).toEqual([5, 5, 5, 10, 100, 250]);
    }
    expect(QUICK_STARTING_PROBE_MS).toBe(5);
  });

  it('a starting tcp probe never waits longer than the period', () => {
    const spec = { ...probe, periodMs: 40 };
    expect(startingWaitMs(spec, firstProbeCadence, 10_000)).toBe(40);
  });

  it('afterProbe counts the start from the service’s startedAt', () => {
    const next = afterProbe(
      firstProbeCadence,
      service({ phase: 'starting', startedAt: 1_000 }),
      probe,
      badAnswer,
      1_320,
    );
    expect(next).toMatchObject({ kind: 'probe-again', waitMs: 10 });
  });

  it('once ready: on the period’s next beat', () => {
    const next = afterProbe(
      firstProbeCadence,
      service({ phase: 'healthy', readyAt: 1 }),
      probe,
      okAnswer,
      10,
    );
    expect(next).toMatchObject({ kind: 'probe-again', waitMs: 990 });
  });

  it('the beats: a probe every period, and services with the same period due together', () => {
    // Probes that ended at different times in one period are due at the same instant.
    expect([10_001, 10_370, 14_999].map((now) => now + untilNextBeat(5_000, now))).toEqual([
      15_000, 15_000, 15_000,
    ]);
    // On a beat, or just after one (the probe took a few ms): the next is a period later.
    expect(untilNextBeat(5_000, 15_000)).toBe(5_000);
    expect(15_004 + untilNextBeat(5_000, 15_004)).toBe(20_000);
  });
});

describe('afterProbe: when to replace the service', () => {
  it('unhealthy after ready: replace, and still say the probe is failing', () => {
    const unhealthy = service({
      phase: 'unhealthy',
      readyAt: 1,
      lastProbe: { ok: false, at: 9, detail: 'HTTP 500', consecutiveFailures: 3 },
    });
    expect(
      afterProbe({ ...firstProbeCadence, lastOk: true }, unhealthy, probe, badAnswer, 10),
    ).toEqual({
      kind: 'replace',
      note: 'probe failing: HTTP 500',
      failure: { cause: 'unhealthy', detail: 'unhealthy: 3 failed checks (HTTP 500)' },
    });
  });

  it('past its start timeout: replace', () => {
    const next = afterProbe(
      firstProbeCadence,
      service({ phase: 'starting' }),
      probe,
      badAnswer,
      30_001,
    );
    expect(next).toMatchObject({ kind: 'replace', failure: { cause: 'start-timeout' } });
  });

  it('gone from the store (no state): probe again', () => {
    expect(afterProbe(firstProbeCadence, undefined, probe, okAnswer, 10).kind).toBe('probe-again');
  });
});

const bare = (overrides: Partial<ServiceState>): ServiceState => ({
  ...initialServiceState('api'),
  ...overrides,
});
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
      const failure = healthFailureOf(bare(c.state), { ...probe, ...c.probe }, c.now);
      expect(failure?.cause).toBe(c.expected);
    });
  }

  it('says what the probe said', () => {
    const failure = healthFailureOf(
      bare({ phase: 'unhealthy', readyAt: 1, lastProbe: failing(3) }),
      probe,
      5,
    );
    expect(failure?.detail).toBe('unhealthy: 3 failed checks (HTTP 500)');
  });
});

describe('repeatsLastPass', () => {
  const passing = { ok: true, at: 5, detail: 'HTTP 200', consecutiveFailures: 0 };
  const healthy = service({ phase: 'healthy', readyAt: 5, lastProbe: passing });
  it('is a pass of a healthy service that says what the last pass said', () => {
    expect(repeatsLastPass(healthy, okAnswer)).toBe(true);
  });
  const news: [string, ServiceState | undefined, { ok: boolean; detail: string }][] = [
    ['a failure', healthy, badAnswer],
    ['a pass that says something new', healthy, { ok: true, detail: 'HTTP 204' }],
    ['the first pass of a starting service', service({ phase: 'starting' }), okAnswer],
    [
      'a pass after a failure',
      service({ phase: 'healthy', readyAt: 5, lastProbe: { ...passing, ok: false } }),
      okAnswer,
    ],
    [
      'a pass of an unhealthy service',
      service({ phase: 'unhealthy', readyAt: 5, lastProbe: passing }),
      okAnswer,
    ],
    ['a pass of a healthy service with a reason', { ...healthy, reason: 'why' }, okAnswer],
    ['a pass for a service the state does not hold', undefined, okAnswer],
  ];
  for (const [name, state, answer] of news)
    it(`is not ${name}`, () => expect(repeatsLastPass(state, answer)).toBe(false));
});
