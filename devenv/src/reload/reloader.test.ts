import { describe, expect, it } from 'vitest';
import { initialEngineState } from '../engine/service-state.js';
import { err, ok } from '../result.js';
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

function reloaderWith(proto: ProtoSteps, guardFails = false) {
  const restarted: string[] = [];
  const blocks: (ReloadBlock | undefined)[] = [];
  const reloader = createReloader({
    proto,
    restart: async (name) => void restarted.push(name),
    guard: async (name) =>
      name === 'worker' && guardFails
        ? err('WorkflowDemoMixed-1: nondeterminism at event 5')
        : ok(undefined),
    getState: () => initialEngineState(['worker', 'dispatcher']),
    note: () => {},
    onBlock: (block) => blocks.push(block),
  });
  return { reloader, restarted, blocks };
}

const protoPlan = {
  protos: ['/repo/protos/demo.proto'],
  restart: ['worker', 'dispatcher'],
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
});
