import { describe, expect, it } from 'vitest';
import { initialEngineState } from '../engine/service-state.js';
import { createControlActions } from './control-actions.js';

/** Control actions on a fixed state (no supervisor): which services a request reaches. */
function actionsOver(order: readonly string[], instances: Record<string, string[]>) {
  const calls: string[] = [];
  const state = initialEngineState(order);
  const actions = createControlActions({
    projectName: 'demo',
    store: { getState: () => state, subscribe: () => () => true },
    restart: async (name) => void calls.push(`restart ${name}`),
    stop: async (name) => void calls.push(`stop ${name}`),
    start: (name) => void calls.push(`start ${name}`),
    instancesOf: (name) => instances[name],
  });
  return { actions, calls };
}

describe('a replicated service named in devenv restart|stop|start', () => {
  it('stands for all its replicas; a replica named alone is just that one', async () => {
    const { actions, calls } = actionsOver(['db', 'worker-1', 'worker-2'], {
      worker: ['worker-1', 'worker-2'],
    });
    const all = await actions.act({
      kind: 'act',
      action: 'stop',
      services: ['worker'],
      wait: true,
      timeoutMs: 1000,
    });
    expect(all.ok && Object.keys(all.value.results)).toEqual(['worker-1', 'worker-2']);
    expect(calls).toEqual(['stop worker-2', 'stop worker-1']);
    calls.length = 0;
    await actions.act({
      kind: 'act',
      action: 'stop',
      services: ['worker-2'],
      wait: true,
      timeoutMs: 1000,
    });
    expect(calls).toEqual(['stop worker-2']);
  });

  it('still refuses a name that is neither a service nor a replicated one', async () => {
    const { actions } = actionsOver(['db'], {});
    const answer = await actions.act({
      kind: 'act',
      action: 'stop',
      services: ['nope'],
      wait: true,
      timeoutMs: 1000,
    });
    expect(answer).toEqual({
      ok: false,
      error: { reason: 'unknown-service', unknown: ['nope'], services: ['db'] },
    });
  });
});
