import { describe, expect, it } from 'vitest';
import { testStack } from '../../test/stack-builder.js';
import { dependantsRestartedWith } from './restart-policy.js';
import {
  dependantsToRestartAfterExit,
  directDependants,
  restartPlan,
} from './service-dependants.js';
import { initialEngineState, type ServiceState } from './service-state.js';

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

describe('who restarts and stops along with a service', () => {
  const stack = testStack('/', {
    db: { command: ['x'] },
    api: { command: ['x'], dependsOn: { db: 'service_healthy' }, restartWith: ['db'] },
    web: { command: ['x'], dependsOn: { api: 'service_started' }, restartWith: ['api'] },
    jobs: { command: ['x'], dependsOn: { db: 'service_healthy' } },
  });
  const stateWith = (phases: Record<string, ServiceState['phase']>, shuttingDown = false) => {
    const base = initialEngineState(stack.startOrder);
    const services = Object.fromEntries(
      stack.startOrder.map((n) => [n, { ...base.services[n]!, phase: phases[n] ?? 'healthy' }]),
    );
    return { ...base, services, shuttingDown };
  };

  it('after an exit: the running and the crashed dependants restarted with it', () => {
    expect(dependantsToRestartAfterExit(stateWith({}), stack, 'db')).toEqual(['api', 'web']);
    expect(dependantsToRestartAfterExit(stateWith({ web: 'crashed' }), stack, 'db')).toEqual([
      'api',
      'web',
    ]);
    expect(dependantsToRestartAfterExit(stateWith({ web: 'stopped' }), stack, 'db')).toEqual([
      'api',
    ]);
  });

  it('devenv restart: running dependants stop first, then it; all start again', () => {
    expect(restartPlan(stateWith({ web: 'crashed' }), stack, 'db')).toEqual({
      stopDependants: ['api'],
      stopService: true,
      requeue: ['db', 'api'],
    });
    expect(
      restartPlan(stateWith({ db: 'crashed', api: 'stopped', web: 'stopped' }), stack, 'db'),
    ).toEqual({
      stopDependants: [],
      stopService: false,
      requeue: ['db'],
    });
  });

  it('devenv restart: nothing during shutdown or for an unknown service', () => {
    expect(restartPlan(stateWith({}, true), stack, 'db')).toBeUndefined();
    expect(restartPlan(stateWith({}), stack, 'nope')).toBeUndefined();
  });

  it('shutdown: the direct dependants of each service stop before it', () => {
    expect(directDependants(stack, 'db')).toEqual(['api', 'jobs']);
    expect(directDependants(stack, 'api')).toEqual(['web']);
    expect(directDependants(stack, 'web')).toEqual([]);
  });
});
