import { describe, expect, it } from 'vitest';
import { fakeClock } from '../../test/fake-clock.js';
import { fakeRuntime, type FakeRuntime } from '../../test/fake-runtime.js';
import { testStack, type TestService } from '../../test/stack-builder.js';
import { STABLE_RUN_MS } from './reducer.js';
import type { ServiceState } from './service-state.js';
import { createSupervisor } from './supervisor.js';

/**
 * The supervisor's restart and shutdown behaviour on test doubles: a fake runtime (no processes)
 * and a fake clock (time moves only when the test says), so each runs in milliseconds and every
 * delay is exact. supervisor.test.ts runs the same supervisor on real processes.
 */
async function supervise(
  services: (fake: FakeRuntime) => Record<string, TestService>,
  random = 0.25, // jitter factor 0.9: delays of 90, 180, 360 ms…
) {
  const clock = fakeClock();
  const fake = fakeRuntime();
  const lines: string[] = [];
  const supervisor = createSupervisor({
    stack: testStack('/fake', services(fake)),
    runtimes: { native: fake.runtime },
    runtimeFor: () => 'native',
    prober: fake.prober,
    log: {
      write: () => {},
      append: (service, _stream, text) => lines.push(`${service}: ${text}`),
    },
    leftovers: { record: () => {}, forget: () => {} },
    clock,
    random: () => random,
  });
  supervisor.begin();
  await clock.settle();
  const service = (name: string): ServiceState => supervisor.store.getState().services[name]!;
  return { clock, fake, lines, supervisor, service };
}

const probed = (fake: FakeRuntime, name: string, extra: Partial<TestService> = {}) => ({
  command: ['fake'],
  probe: fake.probeFor(name),
  ...extra,
});

describe('supervisor restarts (fake runtime, fake clock)', () => {
  it('restarts a crash-looping service at once, then after 90, 180, 360, 720 ms (backoff ±20 %, random fixed)', async () => {
    const { clock, fake, service } = await supervise(() => ({
      looper: { command: ['fake'], restart: 'on-failure' },
    }));
    const waits: number[] = [];
    for (let crash = 1; crash <= 5; crash++) {
      expect(service('looper').phase).toBe('healthy');
      fake.exit('looper', { code: 3 });
      await clock.settle();
      const wait = service('looper').nextStartAt! - clock.now();
      waits.push(wait);
      // Not a millisecond early, and at once when due.
      if (wait > 0) {
        await clock.advance(wait - 1);
        expect(fake.starts('looper')).toBe(crash);
      }
      await clock.advance(1);
      expect(fake.starts('looper')).toBe(crash + 1);
    }
    expect(waits).toEqual([0, 90, 180, 360, 720]);
    expect(service('looper')).toMatchObject({ restarts: 5, crashStreak: 5 });
  });

  it('says what happened and when it comes back', async () => {
    const { clock, fake, lines } = await supervise(() => ({
      looper: { command: ['fake'], restart: 'on-failure' },
    }));
    fake.exit('looper', { code: 3 });
    await clock.advance(0);
    fake.exit('looper', { signal: 'SIGKILL' });
    await clock.advance(90);
    expect(lines).toContain('looper: exited with code 3; restarting in 0 s (restart 1)');
    expect(lines).toContain('looper: killed by SIGKILL; restarting in 0.1 s (restart 2)');
  });

  it('forgets the crash streak after 10 s ready, not before', async () => {
    const { clock, fake, service } = await supervise(() => ({
      looper: { command: ['fake'], restart: 'always' },
    }));
    const crashAfter = async (readyMs: number) => {
      await clock.advance(readyMs);
      fake.exit('looper');
      await clock.settle();
      const wait = service('looper').nextStartAt! - clock.now();
      await clock.advance(wait);
      return wait;
    };
    expect(await crashAfter(0)).toBe(0);
    expect(await crashAfter(0)).toBe(90);
    expect(await crashAfter(STABLE_RUN_MS - 1)).toBe(180);
    expect(await crashAfter(STABLE_RUN_MS)).toBe(0);
    expect(await crashAfter(0)).toBe(90);
  });

  it('leaves a service down when its restart policy says so', async () => {
    const { clock, fake, service } = await supervise(() => ({
      once: { command: ['fake'], restart: 'on-failure' },
      never: { command: ['fake'], restart: 'no' },
    }));
    fake.exit('once', { code: 0 });
    fake.exit('never', { code: 1 });
    await clock.advance(60_000);
    expect(service('once').phase).toBe('completed');
    expect(service('never')).toMatchObject({ phase: 'crashed', reason: 'exited with code 1' });
    expect([fake.starts('once'), fake.starts('never')]).toEqual([1, 1]);
  });

  it('replaces a service that turns unhealthy after failure_threshold failed probes, whatever its restart policy', async () => {
    const { clock, fake, lines, service } = await supervise((f) => ({
      api: probed(f, 'api', { restart: 'no', failureThreshold: 3, probePeriodMs: 50 }),
    }));
    expect(service('api').phase).toBe('healthy');
    fake.script('api', { healthy: false });
    await clock.advance(100);
    expect(service('api')).toMatchObject({ phase: 'healthy', restarts: 0 });
    fake.calls.length = 0;
    await clock.advance(50);
    expect(fake.calls).toEqual(['stop api (grace 2000 ms)', 'check api', 'start api']);
    expect(service('api')).toMatchObject({ phase: 'starting', restarts: 1 });
    expect(lines).toContain(
      'api: exited with code 0 (stopped by devenv: unhealthy: 3 failed checks (fake: unhealthy)); restarting in 0 s (restart 1)',
    );
    fake.script('api', { healthy: true });
    await clock.advance(50);
    expect(service('api').phase).toBe('healthy');
  });

  it('replaces a service not ready within its start timeout, backing off each time', async () => {
    const { clock, fake, lines, service } = await supervise((f) => {
      f.script('stuck', { healthy: false });
      return { stuck: probed(f, 'stuck', { startTimeoutMs: 500, probePeriodMs: 1_000 }) };
    });
    await clock.advance(2_000);
    const exits = lines.filter((l) => l.startsWith('stuck: exited'));
    expect(exits.slice(0, 2)).toEqual([
      'stuck: exited with code 0 (stopped by devenv: not ready after 0.5 s (fake: unhealthy)); restarting in 0 s (restart 1)',
      'stuck: exited with code 0 (stopped by devenv: not ready after 0.5 s (fake: unhealthy)); restarting in 0.1 s (restart 2)',
    ]);
    expect(fake.starts('stuck')).toBe(3);
    expect(service('stuck').readyAt).toBeUndefined();
  });

  it('restarts dependants with depends_on restart: true along with their dependency, and only those', async () => {
    const { clock, fake, service } = await supervise(() => ({
      db: { command: ['fake'], restart: 'on-failure' },
      api: { command: ['fake'], dependsOn: { db: 'service_started' }, restartWith: ['db'] },
      web: { command: ['fake'], dependsOn: { api: 'service_started' }, restartWith: ['api'] },
      jobs: { command: ['fake'], dependsOn: { db: 'service_started' } },
    }));
    const before = fake.calls.length;
    fake.exit('db');
    await clock.advance(0);
    const order = fake.calls.slice(before).filter((c) => !c.startsWith('check'));
    expect(order.filter((c) => c.startsWith('stop'))).toEqual([
      'stop api (grace 2000 ms)',
      'stop web (grace 2000 ms)',
    ]);
    expect(order.indexOf('start api')).toBeGreaterThan(order.indexOf('start db'));
    expect(order.indexOf('start web')).toBeGreaterThan(order.indexOf('start api'));
    expect(fake.starts('jobs')).toBe(1);
    for (const name of ['db', 'api', 'web', 'jobs']) expect(service(name).phase).toBe('healthy');
  });

  it('retries a start that failed after one backoff step', async () => {
    const { clock, fake, service } = await supervise(() => ({
      flaky: { command: ['fake'], restart: 'on-failure' },
    }));
    fake.exit('flaky');
    fake.script('flaky', { startError: 'port 8080 is in use' });
    await clock.advance(0);
    expect(service('flaky')).toMatchObject({ phase: 'crashed', reason: 'port 8080 is in use' });
    fake.script('flaky', { startError: undefined });
    // The failed start counts in the streak, and once more for the retry: 180 ms, not 90.
    await clock.advance(179);
    expect(fake.starts('flaky')).toBe(2);
    await clock.advance(1);
    expect(service('flaky').phase).toBe('healthy');
  });
});

describe('supervisor stops and shutdown (fake runtime, fake clock)', () => {
  it('a stop during the backoff cancels the restart', async () => {
    const { clock, fake, service, supervisor } = await supervise(() => ({
      looper: { command: ['fake'], restart: 'always' },
    }));
    fake.exit('looper');
    await clock.advance(0);
    fake.exit('looper');
    await clock.advance(50);
    expect(clock.pending()).toHaveLength(1);
    await supervisor.stop('looper');
    // The timer itself is gone, not merely ignored when it fires.
    expect(clock.pending()).toEqual([]);
    await clock.advance(60_000);
    expect(fake.starts('looper')).toBe(2);
    expect(service('looper')).toMatchObject({ phase: 'stopped', userStopped: true });
  });

  it('shutdown during a backoff cancels the restart', async () => {
    const { clock, fake, supervisor } = await supervise(() => ({
      looper: { command: ['fake'], restart: 'always' },
    }));
    fake.exit('looper');
    await clock.advance(0);
    fake.exit('looper');
    await clock.settle();
    expect(clock.pending()).toHaveLength(1);
    await supervisor.shutdown();
    expect(clock.pending()).toEqual([]);
    await clock.advance(60_000);
    expect(fake.starts('looper')).toBe(2);
  });

  it('stops dependants before their dependencies: the reverse of the start order', async () => {
    const { fake, supervisor, clock } = await supervise((f) => ({
      db: probed(f, 'db'),
      api: probed(f, 'api', { dependsOn: { db: 'service_healthy' } }),
      web: probed(f, 'web', { dependsOn: { api: 'service_healthy' } }),
    }));
    await clock.advance(0);
    const started = fake.calls.filter((c) => c.startsWith('start '));
    expect(started).toEqual(['start db', 'start api', 'start web']);
    fake.calls.length = 0;
    await supervisor.shutdown();
    expect(fake.calls).toEqual([
      'stop web (grace 2000 ms)',
      'stop api (grace 2000 ms)',
      'stop db (grace 2000 ms)',
    ]);
    // No probe is left waiting on the clock.
    expect(clock.pending()).toEqual([]);
  });

  it('waits for a dependant that ignores its stop before stopping what it depends on', async () => {
    const { fake, supervisor, clock, service } = await supervise(() => ({
      db: { command: ['fake'] },
      api: { command: ['fake'], dependsOn: { db: 'service_started' } },
    }));
    fake.script('api', { exitOnStop: undefined });
    let settled = false;
    const shutdown = supervisor.shutdown().then(() => (settled = true));
    await clock.advance(60_000);
    expect([settled, fake.running('db'), service('api').phase]).toEqual([false, true, 'stopping']);
    fake.exit('api', { signal: 'SIGKILL' });
    await shutdown;
    expect(fake.calls.at(-1)).toBe('stop db (grace 2000 ms)');
    expect(service('db').phase).toBe('stopped');
  });
});
