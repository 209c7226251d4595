import { describe, expect, it } from 'vitest';
import { createStore } from '../../engine/store.js';
import { initialEngineState } from '../../engine/service-state.js';
import { firstServiceActedOn } from './first-spawn.js';

const started = (service: string) =>
  ({
    type: 'service/started',
    service,
    runtime: 'native',
    pid: 4242,
    containerId: undefined,
    at: 1,
  }) as const;

describe('firstServiceActedOn (the engine store itself)', () => {
  it('waits while every service is pending and resolves at the first start', async () => {
    const store = createStore(initialEngineState(['a', 'b']));
    let resolved = false;
    const waiting = firstServiceActedOn(store, 60_000).then(() => (resolved = true));
    await new Promise((r) => setImmediate(r));
    expect(resolved).toBe(false);
    store.dispatch(started('b'));
    await waiting;
    expect(resolved).toBe(true);
  });

  it('resolves at once when a service is already past pending', async () => {
    const store = createStore(initialEngineState(['a']));
    store.dispatch(started('a'));
    await expect(firstServiceActedOn(store, 60_000)).resolves.toBeUndefined();
  });

  it('gives up waiting after the cap', async () => {
    const store = createStore(initialEngineState(['a']));
    await expect(firstServiceActedOn(store, 10)).resolves.toBeUndefined();
    expect(store.getState().services['a']?.phase).toBe('pending');
  });
});
