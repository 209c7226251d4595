import { describe, expect, it } from 'vitest';
import { fakeClock } from '../../test/fake-clock.js';
import { fakeRuntime } from '../../test/fake-runtime.js';
import { testStack } from '../../test/stack-builder.js';
import { describeRefusals, type RuntimeRefusal } from './service-launch.js';
import { createSupervisor } from './supervisor.js';

describe('describeRefusals', () => {
  it.each<[RuntimeRefusal[], string]>([
    [
      [{ kind: 'docker', reason: 'not-in-this-devenv' }],
      'docker: runtime not available in this devenv',
    ],
    [
      [
        { kind: 'native', reason: 'check-failed', why: '"api" is not on PATH' },
        { kind: 'docker', reason: 'check-failed', why: 'image api:dev is not present locally' },
      ],
      'native: "api" is not on PATH; docker: image api:dev is not present locally',
    ],
  ])('%o reads as %s', (refusals, message) => {
    expect(describeRefusals(refusals)).toBe(message);
  });
});

// Test doubles (a fake runtime and clock): no runtime can run it, so nothing needs to start.
describe('a service no runtime can run (fake runtime)', () => {
  it('is unavailable with every runtime it may use and why, in order', async () => {
    const clock = fakeClock();
    const fake = fakeRuntime('native');
    fake.script('api', { unavailable: { reason: 'not-on-path', command: 'api' } });
    const lines: string[] = [];
    const supervisor = createSupervisor({
      stack: testStack('/fake', { api: { command: ['api'] } }),
      runtimes: { native: fake.runtime },
      runtimeFor: () => 'auto',
      prober: fake.prober,
      log: { write: () => {}, append: (service, _s, text) => lines.push(`${service}: ${text}`) },
      leftovers: { record: () => {}, forget: () => {} },
      clock,
      random: () => 0.5,
    });
    supervisor.begin();
    await clock.settle();
    const reason = 'native: "api" is not on PATH; docker: runtime not available in this devenv';
    expect(supervisor.store.getState().services['api']).toMatchObject({
      phase: 'unavailable',
      reason,
    });
    expect(lines).toContain(`api: unavailable: ${reason}`);
  });
});
