import { describe, expect, it } from 'vitest';
import type { DependencyCondition, Stack } from '../model/stack.js';
import { testStack } from '../../test/stack-builder.js';
import { decide } from './scheduling.js';
import { initialEngineState, type EngineState, type ServiceState } from './service-state.js';

/** 'start', 'wait' (no decision yet) or the reason it is blocked. */
type Verdict = string;
type ByCondition = Record<DependencyCondition, Verdict>;

const conditions: DependencyCondition[] = [
  'service_started',
  'service_healthy',
  'service_completed_successfully',
];
const all = (v: Verdict): ByCondition => ({
  service_started: v,
  service_healthy: v,
  service_completed_successfully: v,
});

/** `app` depends on `db` with the given condition; `db` as the row says. */
function stackWith(condition: DependencyCondition, required: boolean, optional = false): Stack {
  const stack = testStack('/', {
    db: { command: ['x'], optional },
    app: { command: ['x'], dependsOn: { db: condition } },
  });
  const app = stack.services['app']!;
  const dependsOn = { db: { ...app.dependsOn['db']!, required } };
  return { ...stack, services: { ...stack.services, app: { ...app, dependsOn } } };
}

function stateWith(db: Partial<ServiceState>, app: Partial<ServiceState> = {}): EngineState {
  const base = initialEngineState(['db', 'app']);
  return {
    ...base,
    services: {
      db: { ...base.services['db']!, ...db },
      app: { ...base.services['app']!, ...app },
    },
  };
}

function verdictFor(state: EngineState, stack: Stack): Verdict {
  const decision = decide(state, stack).find((d) => d.service === 'app');
  if (!decision) return 'wait';
  return decision.kind === 'start' ? 'start' : `block: ${decision.reason}`;
}

const crashed = { phase: 'crashed', reason: 'exited with code 1' } as const;
const rows: {
  readonly db: string;
  readonly state: Partial<ServiceState>;
  readonly required: ByCondition;
  readonly notRequired: ByCondition;
}[] = [
  { db: 'pending', state: { phase: 'pending' }, required: all('wait'), notRequired: all('wait') },
  {
    db: 'starting',
    state: { phase: 'starting', startedAt: 1 },
    required: { ...all('wait'), service_started: 'start' },
    notRequired: { ...all('wait'), service_started: 'start' },
  },
  {
    db: 'healthy',
    state: { phase: 'healthy', readyAt: 2 },
    required: { ...all('start'), service_completed_successfully: 'wait' },
    notRequired: { ...all('start'), service_completed_successfully: 'wait' },
  },
  {
    // Compose's service_healthy: healthy once is enough.
    db: 'unhealthy after ready',
    state: { phase: 'unhealthy', readyAt: 2 },
    required: { ...all('start'), service_completed_successfully: 'wait' },
    notRequired: { ...all('start'), service_completed_successfully: 'wait' },
  },
  {
    db: 'unhealthy, never ready',
    state: { phase: 'unhealthy', readyAt: undefined },
    required: { ...all('wait'), service_started: 'start' },
    notRequired: { ...all('wait'), service_started: 'start' },
  },
  { db: 'stopping', state: { phase: 'stopping' }, required: all('wait'), notRequired: all('wait') },
  { db: 'stopped', state: { phase: 'stopped' }, required: all('wait'), notRequired: all('wait') },
  {
    db: 'stopped by the user',
    state: { phase: 'stopped', userStopped: true },
    required: all('wait'),
    notRequired: all('start'),
  },
  {
    db: 'stopping for the user',
    state: { phase: 'stopping', userStopped: true },
    required: all('wait'),
    notRequired: all('start'),
  },
  {
    db: 'completed',
    state: { phase: 'completed' },
    required: all('start'),
    notRequired: all('start'),
  },
  {
    db: 'crashed, restart scheduled',
    state: { ...crashed, nextStartAt: 500 },
    required: {
      ...all('wait'),
      service_completed_successfully:
        'block: needs db, which did not complete (exited with code 1)',
    },
    notRequired: { ...all('wait'), service_completed_successfully: 'start' },
  },
  {
    db: 'crashed for good',
    state: crashed,
    required: {
      ...all('block: needs db, which crashed and will not restart (exited with code 1)'),
      service_completed_successfully:
        'block: needs db, which did not complete (exited with code 1)',
    },
    // Not required, yet still waited for while it might come back by hand (devenv start db).
    notRequired: { ...all('wait'), service_completed_successfully: 'start' },
  },
  {
    db: 'unavailable',
    state: { phase: 'unavailable', reason: 'install PostgreSQL' },
    required: all('block: needs db, which is unavailable (install PostgreSQL)'),
    notRequired: all('start'),
  },
  {
    db: 'blocked',
    state: { phase: 'blocked', reason: 'needs x' },
    required: all('block: needs db, which is blocked'),
    notRequired: all('start'),
  },
];

describe('decide: every phase of a dependency × every condition × required or not', () => {
  for (const row of rows) {
    for (const condition of conditions) {
      for (const required of [true, false]) {
        const expected = (required ? row.required : row.notRequired)[condition];
        it(`db ${row.db}, ${condition}${required ? '' : ', required: false'} → ${expected}`, () => {
          expect(verdictFor(stateWith(row.state), stackWith(condition, required))).toBe(expected);
        });
      }
    }
  }

  it('an optional dependency (x-devenv.optional) is forgiven as required: false is', () => {
    const stack = stackWith('service_healthy', true, true);
    expect(verdictFor(stateWith({ phase: 'unavailable', reason: 'r' }), stack)).toBe('start');
    expect(verdictFor(stateWith({ phase: 'stopped', userStopped: true }), stack)).toBe('start');
  });

  it('a dependency that is not in the stack (its profile is off) is met', () => {
    const stack = stackWith('service_healthy', true);
    const state = stateWith({});
    const withoutDb = { ...state, services: { app: state.services['app']! }, order: ['app'] };
    expect(verdictFor(withoutDb, stack)).toBe('start');
  });
});

describe('decide: which services it decides about', () => {
  const stack = stackWith('service_started', true);
  const dbUnavailable = { phase: 'unavailable', reason: 'r' } as const;

  it('only pending and blocked ones, and not one the user stopped', () => {
    const phases = ['starting', 'healthy', 'stopped', 'crashed', 'completed'] as const;
    for (const phase of phases)
      expect(verdictFor(stateWith({ phase: 'healthy' }, { phase }), stack)).toBe('wait');
    expect(verdictFor(stateWith({ phase: 'healthy' }, { phase: 'blocked' }), stack)).toBe('start');
    const userStopped = stateWith({ phase: 'healthy' }, { phase: 'pending', userStopped: true });
    expect(verdictFor(userStopped, stack)).toBe('wait');
  });

  it('blocks once: a service already blocked for the same reason is left alone', () => {
    const reason = 'needs db, which is unavailable (r)';
    expect(verdictFor(stateWith(dbUnavailable, { phase: 'blocked', reason }), stack)).toBe('wait');
    expect(verdictFor(stateWith(dbUnavailable, { phase: 'blocked', reason: 'other' }), stack)).toBe(
      `block: ${reason}`,
    );
  });

  it('nothing once shutdown began', () => {
    expect(decide({ ...stateWith({ phase: 'healthy' }), shuttingDown: true }, stack)).toEqual([]);
  });

  it('with several dependencies: a block wins over a wait; all met starts it', () => {
    const three = testStack('/', {
      a: { command: ['x'] },
      b: { command: ['x'] },
      app: { command: ['x'], dependsOn: { a: 'service_healthy', b: 'service_started' } },
    });
    const base = initialEngineState(['a', 'b', 'app']);
    const withPhases = (a: Partial<ServiceState>, b: Partial<ServiceState>): EngineState => ({
      ...base,
      services: {
        ...base.services,
        a: { ...base.services['a']!, ...a },
        b: { ...base.services['b']!, ...b },
      },
    });
    expect(verdictFor(withPhases({ phase: 'starting' }, dbUnavailable), three)).toBe(
      'block: needs b, which is unavailable (r)',
    );
    expect(verdictFor(withPhases({ phase: 'starting' }, { phase: 'starting' }), three)).toBe(
      'wait',
    );
    expect(
      verdictFor(withPhases({ phase: 'healthy', readyAt: 1 }, { phase: 'starting' }), three),
    ).toBe('start');
  });
});
