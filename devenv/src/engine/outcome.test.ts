import { describe, expect, it } from 'vitest';
import { testStack } from '../../test/stack-builder.js';
import { stackOutcome } from './outcome.js';
import { describeExit } from './reducer.js';
import { initialEngineState, type ServicePhase, type ServiceState } from './service-state.js';

const stack = testStack('/', {
  needed: { command: ['x'] },
  extra: { command: ['x'], optional: true },
});

function outcomeWith(
  needed: Partial<ServiceState>,
  extra: Partial<ServiceState> = { phase: 'healthy' },
) {
  const base = initialEngineState(['needed', 'extra']);
  return stackOutcome(
    {
      ...base,
      services: {
        needed: { ...base.services['needed']!, ...needed },
        extra: { ...base.services['extra']!, ...extra },
      },
    },
    stack,
  );
}

describe('stackOutcome (up --ci): each phase of a required service', () => {
  const table: { phase: ServicePhase; reason?: string; expected: string }[] = [
    { phase: 'healthy', expected: 'ready' },
    { phase: 'completed', expected: 'ready' },
    { phase: 'pending', expected: 'settling' },
    { phase: 'starting', expected: 'settling' },
    { phase: 'unhealthy', expected: 'settling' },
    { phase: 'stopping', expected: 'settling' },
    { phase: 'stopped', expected: 'settling' },
    { phase: 'unavailable', reason: 'install go', expected: 'failed: unavailable: install go' },
    { phase: 'blocked', reason: 'needs db', expected: 'failed: blocked: needs db' },
    { phase: 'crashed', reason: 'exited with code 2', expected: 'failed: exited with code 2' },
    { phase: 'crashed', expected: 'failed: crashed' },
  ];
  for (const { phase, reason, expected } of table) {
    it(`${phase}${reason ? ` (${reason})` : ''} → ${expected}`, () => {
      const outcome = outcomeWith({ phase, reason });
      const summary =
        outcome.kind === 'failed'
          ? `failed: ${outcome.failures.map((f) => f.reason).join(', ')}`
          : outcome.kind;
      expect(summary).toBe(expected);
    });
  }

  it('an optional service may be unavailable, blocked or crashed', () => {
    for (const phase of ['unavailable', 'blocked', 'crashed'] as const)
      expect(outcomeWith({ phase: 'healthy' }, { phase, reason: 'r' }).kind).toBe('ready');
  });

  it('an optional service still starting keeps it settling', () => {
    expect(outcomeWith({ phase: 'healthy' }, { phase: 'starting' }).kind).toBe('settling');
  });

  it('a failure is reported at once, even while others settle', () => {
    expect(outcomeWith({ phase: 'crashed', reason: 'r' }, { phase: 'starting' })).toEqual({
      kind: 'failed',
      failures: [{ service: 'needed', reason: 'r' }],
    });
  });
});

describe('describeExit', () => {
  const table: { code: number | null; signal: string | null; text: string }[] = [
    { code: 0, signal: null, text: 'exited with code 0' },
    { code: 3, signal: null, text: 'exited with code 3' },
    { code: null, signal: 'SIGKILL', text: 'killed by SIGKILL' },
    // A signal wins over the code a container runtime may report with it.
    { code: 137, signal: 'SIGKILL', text: 'killed by SIGKILL' },
  ];
  for (const { code, signal, text } of table) {
    it(`${code}, ${signal} → ${text}`, () => expect(describeExit(code, signal)).toBe(text));
  }
});
