import { constants } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { EngineAction } from '../../engine/actions.js';
import {
  initialServiceState,
  type EngineState,
  type ServiceState,
} from '../../engine/service-state.js';
import { NO_PANELS } from '../../engine/panels.js';
import { exitStatusOf, newlyEnded } from './abort-on-exit.js';

function state(services: Partial<ServiceState>[], shuttingDown = false): EngineState {
  const all = services.map((s) => ({ ...initialServiceState(s.name ?? 'x'), ...s }));
  return {
    services: Object.fromEntries(all.map((s) => [s.name, s])),
    order: all.map((s) => s.name),
    shuttingDown,
    panels: NO_PANELS,
  };
}

const exited = (service: string, code: number | null, signal: string | null = null) =>
  ({ type: 'service/exited', service, code, signal, at: 5, restartAt: undefined }) as const;

const RUNNING = state([
  { name: 'api', phase: 'healthy' },
  { name: 'migrate', phase: 'starting' },
]);

describe('newlyEnded: which exit stops the stack under --abort-on-container-exit/-failure', () => {
  it.each<[string, EngineState, EngineAction[], 'exit' | 'failure', string | undefined]>([
    ['a one-shot task that completed', RUNNING, [exited('migrate', 0)], 'exit', 'migrate'],
    ['…but not with -failure', RUNNING, [exited('migrate', 0)], 'failure', undefined],
    ['a crash, either way', RUNNING, [exited('api', 1)], 'failure', 'api'],
    ['a death by signal', RUNNING, [exited('api', null, 'SIGKILL')], 'failure', 'api'],
    [
      'not a stop devenv asked for in the same burst (a restart, a reload)',
      RUNNING,
      [{ type: 'service/stopping', service: 'api', userRequested: false }, exited('api', 143)],
      'exit',
      undefined,
    ],
    [
      'not a stop already under way before the burst',
      state([{ name: 'api', phase: 'stopping' }]),
      [exited('api', 0)],
      'exit',
      undefined,
    ],
    [
      'not a service devenv stopped for failing its probe',
      RUNNING,
      [
        {
          type: 'service/health-failed',
          service: 'api',
          failure: { cause: 'unhealthy', detail: '3 failed checks' },
        },
        exited('api', 143),
      ],
      'exit',
      undefined,
    ],
    [
      'not `devenv kill`',
      RUNNING,
      [{ type: 'service/killed', service: 'api' }, exited('api', null, 'SIGKILL')],
      'exit',
      undefined,
    ],
    [
      'not while the stack stops',
      RUNNING,
      [{ type: 'engine/shutting-down' }, exited('migrate', 0)],
      'exit',
      undefined,
    ],
    [
      'a service started again after a stop, then crashing',
      state([{ name: 'api', phase: 'stopping' }]),
      [
        exited('api', 0),
        {
          type: 'service/started',
          service: 'api',
          runtime: 'native',
          pid: 9,
          containerId: undefined,
          at: 6,
        },
        exited('api', 2),
      ],
      'exit',
      'api',
    ],
  ])('%s', (_, before, actions, on, expected) => {
    expect(newlyEnded(before, actions, on)?.service).toBe(expected);
  });

  it('gives the exit status as a shell has it', () => {
    expect(exitStatusOf({ code: 3, signal: null, at: 0 }, constants.signals)).toBe(3);
    expect(exitStatusOf({ code: null, signal: 'SIGTERM', at: 0 }, constants.signals)).toBe(143);
  });
});
