import { describe, expect, it } from 'vitest';
import { initialEngineState, type EngineState } from '../engine/service-state.js';
import { err, ok } from '../../shared/result.js';
import type { HotSwapOutcome } from './hot-swap.js';
import { createReloader, type ProtoSteps, type ReloadBlock } from './reloader.js';

/** Stand-in proto steps with chosen outcomes: the real buf steps are tested in devenv/src/proto. */
function steps(outcome: { lint?: boolean; breaking?: boolean }): ProtoSteps & { calls: string[] } {
  const calls: string[] = [];
  const rejected = (step: 'lint' | 'breaking') =>
    err({ reason: 'buf-rejected' as const, step, output: `demo.proto:7:1:${step} says no` });
  return {
    calls,
    lint: async () => (
      calls.push('lint'),
      outcome.lint === false ? rejected('lint') : ok(undefined)
    ),
    breaking: async () => (
      calls.push('breaking'),
      outcome.breaking === false
        ? rejected('breaking')
        : ok({ kind: 'compatible' as const, against: 'HEAD' })
    ),
    generate: async () => (
      calls.push('generate'),
      ok({
        kind: 'generated' as const,
        mode: 'incremental' as const,
        protos: ['demo.proto'],
        written: ['a_pb.ts'],
        removed: [],
      })
    ),
  };
}

/** Both services up (healthy), as when a save arrives on a running stack. */
function healthy(): EngineState {
  const state = initialEngineState(['worker', 'dispatcher']);
  return {
    ...state,
    services: Object.fromEntries(
      Object.entries(state.services).map(([name, s]) => [name, { ...s, phase: 'healthy' }]),
    ),
  };
}

function reloaderWith(
  proto: ProtoSteps,
  guardFails = false,
  swap: HotSwapOutcome = { kind: 'swapped', detail: 'generation 2, 80 ms' },
  state: () => EngineState = healthy,
) {
  const restarted: string[] = [];
  const swapped: string[] = [];
  const toldPaths: (readonly string[])[] = [];
  const notes: string[] = [];
  const blocks: (ReloadBlock | undefined)[] = [];
  const reloader = createReloader({
    proto,
    restart: async (name) => void restarted.push(name),
    hotSwap: async (name, paths) => (swapped.push(name), toldPaths.push(paths), swap),
    guard: async (name) =>
      name === 'worker' && guardFails
        ? err('WorkflowDemoMixed-1: nondeterminism at event 5')
        : ok(undefined),
    getState: state,
    note: (text) => void notes.push(text),
    onBlock: (block) => blocks.push(block),
  });
  return { reloader, restarted, swapped, toldPaths, notes, blocks };
}

const protoPlan = {
  protos: ['/repo/protos/demo.proto'],
  restart: ['worker', 'dispatcher'],
  hotReload: [],
  hotPaths: {},
  guarded: [],
  unmatched: [],
};

const activityPlan = {
  protos: [],
  restart: [],
  hotReload: ['worker'],
  hotPaths: { worker: ['/repo/worker/activities/greet.ts'] },
  guarded: [],
  unmatched: [],
};

describe('reloader', () => {
  it('regenerates before restarting the services that use the protos', async () => {
    const proto = steps({});
    const { reloader, restarted, blocks } = reloaderWith(proto);
    await reloader.apply(protoPlan);
    expect(proto.calls).toEqual(['lint', 'breaking', 'generate']);
    expect(restarted).toEqual(['worker', 'dispatcher']);
    expect(blocks).toEqual([undefined]);
  });

  it('blocks a breaking change, keeps the services running, and lets it through once accepted', async () => {
    const proto = steps({ breaking: false });
    const { reloader, restarted, blocks } = reloaderWith(proto);
    await reloader.apply(protoPlan);
    expect(restarted).toEqual([]);
    expect(blocks.at(-1)).toMatchObject({
      reason: 'proto-breaking',
      detail: expect.stringContaining('demo.proto:7:1'),
    });
    reloader.acceptBreaking();
    await reloader.apply(protoPlan);
    expect(restarted).toEqual(['worker', 'dispatcher']);
    expect(blocks.at(-1)).toBeUndefined();
  });

  it('keeps the old worker when its reload guard fails, and restarts the rest', async () => {
    const { reloader, restarted, blocks } = reloaderWith(steps({}), true);
    await reloader.apply({
      protos: [],
      restart: ['worker', 'dispatcher'],
      hotReload: [],
      hotPaths: {},
      guarded: ['worker'],
      unmatched: [],
    });
    expect(restarted).toEqual(['dispatcher']);
    expect(blocks.at(-1)).toEqual({
      reason: 'guard-failed',
      service: 'worker',
      detail: 'WorkflowDemoMixed-1: nondeterminism at event 5',
    });
  });

  it('blocks on a lint error without generating anything', async () => {
    const proto = steps({ lint: false });
    const { reloader, restarted, blocks } = reloaderWith(proto);
    await reloader.apply(protoPlan);
    expect(proto.calls).toEqual(['lint']);
    expect(restarted).toEqual([]);
    expect(blocks.at(-1)?.reason).toBe('proto-lint');
  });

  describe('changes a service takes in place (x-devenv.hot_reload)', () => {
    it('asks the running service, and restarts nothing when it swapped', async () => {
      const { reloader, restarted, swapped, toldPaths, notes, blocks } = reloaderWith(steps({}));
      await reloader.apply(activityPlan);
      expect(swapped).toEqual(['worker']);
      expect(toldPaths).toEqual([['/repo/worker/activities/greet.ts']]);
      expect(restarted).toEqual([]);
      expect(blocks).toEqual([undefined]);
      expect(notes).toContain('worker reloaded in place (generation 2, 80 ms)');
    });

    it('shows why when the service refused the new code, and restarts nothing', async () => {
      const refusal = { kind: 'refused', detail: 'say-hello.ts:3:1: Expected ";"' } as const;
      const { reloader, restarted, blocks } = reloaderWith(steps({}), false, refusal);
      await reloader.apply(activityPlan);
      expect(restarted).toEqual([]);
      expect(blocks.at(-1)).toEqual({
        reason: 'hot-reload-refused',
        service: 'worker',
        detail: 'say-hello.ts:3:1: Expected ";"',
      });
    });

    it('runs the guard first when it covers the change; a refusal swaps nothing', async () => {
      const guardedPlan = { ...activityPlan, guarded: ['worker'] };
      const { reloader, restarted, swapped, blocks } = reloaderWith(steps({}), true);
      await reloader.apply(guardedPlan);
      expect(swapped).toEqual([]);
      expect(restarted).toEqual([]);
      expect(blocks.at(-1)).toMatchObject({ reason: 'guard-failed', service: 'worker' });
      const passing = reloaderWith(steps({}));
      await passing.reloader.apply(guardedPlan);
      expect(passing.swapped).toEqual(['worker']);
    });

    it('restarts the service when it cannot swap (not enabled, no answer)', async () => {
      const cannot = { kind: 'restart-instead', detail: 'it answered HTTP 404' } as const;
      const { reloader, restarted, swapped } = reloaderWith(steps({}), false, cannot);
      await reloader.apply(activityPlan);
      expect(swapped).toEqual(['worker']);
      expect(restarted).toEqual(['worker']);
    });

    it('restarts a service that is not up instead of asking it', async () => {
      const starting = () => initialEngineState(['worker', 'dispatcher']);
      const swap = { kind: 'swapped', detail: '' } as const;
      const { reloader, restarted, swapped } = reloaderWith(steps({}), false, swap, starting);
      await reloader.apply(activityPlan);
      expect(swapped).toEqual([]);
      expect(restarted).toEqual(['worker']);
    });

    it('does not also swap a service that a merged batch restarts', async () => {
      const { reloader, restarted, swapped } = reloaderWith(steps({}));
      const first = reloader.apply(protoPlan);
      void reloader.apply(activityPlan);
      await reloader.apply({ ...activityPlan, hotReload: [], restart: ['worker'] });
      await first;
      expect(swapped).toEqual([]);
      expect(restarted).toEqual(['worker', 'dispatcher', 'worker']);
    });
  });
});
