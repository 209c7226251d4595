import { describe, expect, it } from 'vitest';
import { fakeClock } from '../../test/fake-clock.js';
import { fakeRuntime } from '../../test/fake-runtime.js';
import { testStack } from '../../test/stack-builder.js';
import { createLogBus } from '../logbus/log-bus.js';
import { expandReplicas } from '../model/replicas.js';
import type { Stack } from '../model/stack.js';
import { createEngineController } from './engine-controller.js';
import { createSupervisor } from './supervisor.js';

/**
 * Replicas in the supervisor and `scale` through the controller, on a fake runtime (no
 * processes) and a fake clock; replicas.stack.test.ts runs three real TypeScript workers.
 */
async function superviseReplicas(workers: number) {
  const clock = fakeClock();
  const fake = fakeRuntime();
  const declared = testStack('/fake', {
    db: { command: ['fake'], probe: fake.probeFor('db') },
    worker: { command: ['fake'], dependsOn: { db: 'service_healthy' }, restart: 'on-failure' },
    api: { command: ['fake'], dependsOn: { worker: 'service_started' } },
  });
  const withReplicas: Stack = {
    ...declared,
    services: {
      ...declared.services,
      worker: { ...declared.services['worker']!, replicas: workers },
    },
  };
  const run = expandReplicas(withReplicas);
  if (!run.ok) throw new Error(run.error.join('\n'));
  const supervisor = createSupervisor({
    stack: run.value,
    runtimes: { native: fake.runtime },
    runtimeFor: () => 'native',
    prober: fake.prober,
    log: { write: () => {}, append: () => {} },
    leftovers: { record: () => {}, forget: () => {} },
    clock,
    random: () => 0.25,
  });
  const engine = createEngineController({
    projectName: 'demo',
    stack: run.value,
    supervisor,
    bus: createLogBus(),
  });
  const phases = () =>
    Object.fromEntries(
      engine.getState().order.map((name) => [name, engine.getState().services[name]?.phase]),
    );
  return { clock, fake, engine, phases };
}

describe('replicas in the supervisor (fake runtime, fake clock)', () => {
  it('starts each replica on its own; a dependant waits for all of them', async () => {
    const { clock, fake, engine, phases } = await superviseReplicas(3);
    fake.script('db', { healthy: false });
    engine.begin();
    await clock.settle();
    expect(phases()).toEqual({
      db: 'starting',
      'worker-1': 'pending',
      'worker-2': 'pending',
      'worker-3': 'pending',
      api: 'pending',
    });
    fake.script('db', { healthy: true });
    await clock.advance(100);
    expect(phases()).toMatchObject({
      'worker-1': 'healthy',
      'worker-3': 'healthy',
      api: 'healthy',
    });
    expect(['worker-1', 'worker-2', 'worker-3'].map((name) => fake.starts(name))).toEqual([
      1, 1, 1,
    ]);
  });

  it('restarts only the replica that crashed', async () => {
    const { clock, fake, engine } = await superviseReplicas(3);
    engine.begin();
    await clock.advance(100);
    fake.exit('worker-2', { code: 1 });
    await clock.advance(100);
    expect(['worker-1', 'worker-2', 'worker-3'].map((name) => fake.starts(name))).toEqual([
      1, 2, 1,
    ]);
    expect(engine.getState().services['worker-2']).toMatchObject({ phase: 'healthy', restarts: 1 });
  });

  it('scale adds replicas and stops the highest ones, the others untouched', async () => {
    const { clock, fake, engine, phases } = await superviseReplicas(1);
    engine.begin();
    await clock.advance(100);
    expect(Object.keys(phases())).toEqual(['db', 'worker', 'api']);

    const up = engine.scale('worker', 3);
    await clock.advance(100);
    expect(await up).toEqual({ ok: true, value: { added: ['worker-2', 'worker-3'], removed: [] } });
    expect(phases()).toEqual({
      db: 'healthy',
      worker: 'healthy',
      'worker-2': 'healthy',
      'worker-3': 'healthy',
      api: 'healthy',
    });

    const down = engine.scale('worker', 1);
    await clock.advance(100);
    expect(await down).toEqual({
      ok: true,
      value: { added: [], removed: ['worker-2', 'worker-3'] },
    });
    expect(Object.keys(phases())).toEqual(['db', 'worker', 'api']);
    expect(['worker', 'db', 'api'].map((name) => fake.starts(name))).toEqual([1, 1, 1]);
    expect(fake.calls.filter((call) => call.startsWith('stop '))).toEqual([
      'stop worker-2 (grace 2000 ms)',
      'stop worker-3 (grace 2000 ms)',
    ]);
    expect(engine.stack.startOrder).toEqual(['db', 'worker', 'api']);
  });

  it('scale refuses an unknown service and a count the ports cannot serve', async () => {
    const { engine } = await superviseReplicas(1);
    expect(await engine.scale('nope', 2)).toEqual({
      ok: false,
      error: 'no service named "nope" to scale',
    });
  });
});
