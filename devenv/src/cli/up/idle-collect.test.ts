import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { initialEngineState } from '../../engine/service-state.js';
import { createStore } from '../../engine/store.js';
import { collectOnceSettled, v8Collect } from './idle-collect.js';

const started = (service: string) =>
  ({
    type: 'service/started',
    service,
    runtime: 'native',
    pid: 4242,
    containerId: undefined,
    at: 1,
  }) as const;
const healthy = (service: string) =>
  ({
    type: 'service/probed',
    service,
    ok: true,
    detail: 'ok',
    at: 2,
    failureThreshold: 3,
  }) as const;

describe('collectOnceSettled (the engine store itself)', () => {
  it('collects once every service has settled and stayed so for the quiet time, and only once', async () => {
    const store = createStore(initialEngineState(['a', 'b']));
    let collections = 0;
    collectOnceSettled(
      store,
      () => 0,
      () => collections++,
      20,
    );
    store.dispatch(started('a'));
    store.dispatch(healthy('a'));
    await sleep(60);
    expect(collections).toBe(0); // b is still pending
    store.dispatch(started('b'));
    await sleep(60);
    expect(collections).toBe(0); // b is starting
    store.dispatch(healthy('b'));
    await vi.waitFor(() => expect(collections).toBe(1), { timeout: 10_000 });
    store.dispatch({ type: 'service/stopping', service: 'a', userRequested: true });
    store.dispatch({ type: 'service/stopped', service: 'a', at: 3 });
    await sleep(60);
    expect(collections).toBe(1);
  });

  it('waits again when the stack moves within the quiet time', async () => {
    const store = createStore(initialEngineState(['a']));
    let collections = 0;
    collectOnceSettled(
      store,
      () => 0,
      () => collections++,
      20,
    );
    store.dispatch(started('a'));
    store.dispatch(healthy('a'));
    // The store tells its subscribers in a microtask: now the quiet time has begun, and a stop
    // follows at once, long before it ends.
    await Promise.resolve();
    store.dispatch({ type: 'service/stopping', service: 'a', userRequested: true });
    await sleep(100);
    expect(collections).toBe(0);
    store.dispatch({ type: 'service/stopped', service: 'a', at: 3 });
    await vi.waitFor(() => expect(collections).toBe(1), { timeout: 10_000 });
  });

  it('waits while output keeps coming, and collects once it stops', async () => {
    const store = createStore(initialEngineState(['a']));
    let flooding = true;
    let records = 0;
    let collections = 0;
    // While flooding, every look finds more records than the one before.
    collectOnceSettled(
      store,
      () => (flooding ? ++records : records),
      () => collections++,
      20,
    );
    store.dispatch(started('a'));
    store.dispatch(healthy('a'));
    await sleep(150);
    expect(collections).toBe(0);
    flooding = false;
    await vi.waitFor(() => expect(collections).toBe(1), { timeout: 10_000 });
  });

  it('never collects once cancelled (a stop came first)', async () => {
    const store = createStore(initialEngineState(['a']));
    let collections = 0;
    const cancel = collectOnceSettled(
      store,
      () => 0,
      () => collections++,
      20,
    );
    store.dispatch(started('a'));
    store.dispatch(healthy('a'));
    cancel();
    await sleep(60);
    expect(collections).toBe(0);
  });

  it("collects with V8's gc() without leaving it exposed, nor --expose-gc on", async () => {
    const v8 = await import('node:v8');
    const vm = await import('node:vm');
    // Garbage that only a collection frees: the weak reference lets go of it.
    const weak = new WeakRef({ payload: new Array(1000).fill('x') });
    await sleep(0); // a WeakRef holds its target until the current job ends
    v8Collect();
    expect(weak.deref()).toBeUndefined();
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    expect(vm.runInNewContext('typeof gc')).toBe('undefined');
    expect(v8.getHeapStatistics().used_heap_size).toBeGreaterThan(0);
  });
});
