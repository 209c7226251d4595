import { describe, expect, it } from 'vitest';
import type { ProbeSpec } from '../model/stack.js';
import {
  afterProbe,
  FIRST_STARTING_PROBE_MS,
  firstProbeCadence,
  LAST_STARTING_PROBE_MS,
  type ProbeCadence,
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
  const waits = (periodMs: number, probes: number) => {
    let cadence: ProbeCadence = firstProbeCadence;
    const out: number[] = [];
    for (let i = 0; i < probes; i++) {
      const next = afterProbe(
        cadence,
        service({ phase: 'starting' }),
        { ...probe, periodMs },
        badAnswer,
        10,
      );
      if (next.kind !== 'probe-again') throw new Error('replaced');
      out.push(Math.round(next.waitMs));
      cadence = next.cadence;
    }
    return out;
  };

  it('while starting: from 50 ms, ×1.2 each time, up to 250 ms', () => {
    expect(waits(5_000, 12)).toEqual([50, 60, 72, 86, 104, 124, 149, 179, 215, 250, 250, 250]);
    expect(FIRST_STARTING_PROBE_MS).toBe(50);
    expect(LAST_STARTING_PROBE_MS).toBe(250);
  });

  it('while starting, never longer than the period', () => {
    expect(waits(70, 4)).toEqual([50, 60, 70, 70]);
  });

  it('once ready: every period', () => {
    const next = afterProbe(
      firstProbeCadence,
      service({ phase: 'healthy', readyAt: 1 }),
      probe,
      okAnswer,
      10,
    );
    expect(next).toMatchObject({ kind: 'probe-again', waitMs: 1_000 });
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
