import { describe, expect, it } from 'vitest';
import type { DevenvExtension, Stack, WatchRule } from '../model/stack.js';
import { testStack } from '../../test/stack-builder.js';
import { ignoreMatches, planReload } from './plan.js';

function withWatch(stack: Stack, watch: Record<string, WatchRule[]>): Stack {
  return {
    ...stack,
    services: Object.fromEntries(
      Object.entries(stack.services).map(([n, s]) => [n, { ...s, watch: watch[n] ?? [] }]),
    ),
  };
}

const rule = (
  path: string,
  action: WatchRule['action'] = 'restart',
  ignore: string[] = [],
): WatchRule => ({
  path,
  action,
  target: undefined,
  ignore,
});

const stack = withWatch(
  testStack('/repo', {
    'worker-typescript': { command: ['w'] },
    'worker-python': { command: ['p'] },
    dispatcher: { command: ['d'] },
  }),
  {
    'worker-typescript': [
      rule('/repo/workers/typescript', 'restart', ['**/*.test.ts']),
      rule('/repo/protos'),
    ],
    'worker-python': [
      rule('/repo/workers/python', 'sync+restart', ['__pycache__/']),
      rule('/repo/protos'),
    ],
    dispatcher: [rule('/repo/dispatcher'), rule('/repo/protos')],
  },
);

/** The stack with some of worker-typescript's x-devenv fields set. */
function withWorkerExtension(fields: Partial<DevenvExtension>): Stack {
  const spec = stack.services['worker-typescript']!;
  return {
    ...stack,
    services: {
      ...stack.services,
      'worker-typescript': { ...spec, devenv: { ...spec.devenv, ...fields } },
    },
  };
}

describe('reload plans', () => {
  it('restarts only the service whose code changed', () => {
    expect(planReload(['/repo/workers/typescript/src/activities/greet.ts'], stack)).toEqual({
      protos: [],
      restart: ['worker-typescript'],
      hotReload: [],
      hotPaths: {},
      guarded: [],
      unmatched: [],
    });
  });

  it('marks a restart guarded when the service’s reload guard covers a changed file', () => {
    const guarded = withWorkerExtension({
      reloadGuard: {
        command: ['guard'],
        paths: ['/repo/workers/typescript/src/workflows'],
        cwd: '/repo',
        serve: false,
      },
    });
    expect(planReload(['/repo/workers/typescript/src/workflows/demo.ts'], guarded).guarded).toEqual(
      ['worker-typescript'],
    );
    expect(
      planReload(['/repo/workers/typescript/src/activities/greet.ts'], guarded).guarded,
    ).toEqual([]);
  });

  describe('a service that reloads some files in place (x-devenv.hot_reload)', () => {
    const hot = withWorkerExtension({
      hotReload: {
        paths: ['/repo/workers/typescript/src/activities'],
        url: 'http://127.0.0.1:7081/reload',
      },
    });
    const activity = '/repo/workers/typescript/src/activities/greet.ts';

    it('swaps, not restarts, when every changed file of it is under those paths', () => {
      const plan = planReload([activity, '/repo/dispatcher/src/a.ts'], hot);
      expect(plan.hotReload).toEqual(['worker-typescript']);
      expect(plan.hotPaths).toEqual({ 'worker-typescript': [activity] });
      expect(plan.restart).toEqual(['dispatcher']);
    });

    it('guards a swap as it would guard a restart', () => {
      const both = withWorkerExtension({
        ...hot.services['worker-typescript']!.devenv,
        hotReload: { paths: ['/repo/workers/typescript/src'], url: 'http://127.0.0.1:7081/reload' },
        reloadGuard: {
          command: ['guard'],
          paths: ['/repo/workers/typescript/src/workflows'],
          cwd: '/repo',
          serve: true,
        },
      });
      const plan = planReload(['/repo/workers/typescript/src/workflows/demo.ts'], both);
      expect(plan.hotReload).toEqual(['worker-typescript']);
      expect(plan.guarded).toEqual(['worker-typescript']);
    });

    it('restarts when one changed file of it is not (its config, a .proto)', () => {
      for (const other of [
        '/repo/workers/typescript/src/config.ts',
        '/repo/protos/timecop/workflows/v1/demo.proto',
      ]) {
        const plan = planReload([activity, other], hot);
        expect(plan.hotReload, other).toEqual([]);
        expect(plan.restart, other).toContain('worker-typescript');
      }
    });

    it('ignores the files its watch rules ignore', () => {
      const plan = planReload([activity, '/repo/workers/typescript/src/config.test.ts'], hot);
      expect(plan.hotReload).toEqual(['worker-typescript']);
    });
  });

  it('coalesces a save storm into one restart per service', () => {
    const paths = Array.from({ length: 50 }, (_, i) => `/repo/dispatcher/src/file${i % 5}.ts`);
    expect(planReload(paths, stack).restart).toEqual(['dispatcher']);
  });

  it('regenerates and restarts every service using the protos when a .proto changes', () => {
    expect(planReload(['/repo/protos/timecop/workflows/v1/demo.proto'], stack)).toEqual({
      protos: ['/repo/protos/timecop/workflows/v1/demo.proto'],
      restart: ['worker-typescript', 'worker-python', 'dispatcher'],
      hotReload: [],
      hotPaths: {},
      guarded: [],
      unmatched: [],
    });
  });

  it('restarts services that watch only the generated code when a .proto changes', () => {
    const generatedOnly = withWatch(
      testStack('/repo', { worker: { command: ['w'] }, other: { command: ['o'] } }),
      {
        worker: [rule('/repo/protos/gen/ts')],
        other: [rule('/repo/other')],
      },
    );
    expect(planReload(['/repo/protos/timecop/workflows/v1/demo.proto'], generatedOnly)).toEqual({
      protos: ['/repo/protos/timecop/workflows/v1/demo.proto'],
      restart: ['worker'],
      hotReload: [],
      hotPaths: {},
      guarded: [],
      unmatched: [],
    });
  });

  it('honours ignore patterns and reports what no rule covers', () => {
    const plan = planReload(
      [
        '/repo/workers/typescript/src/a.test.ts',
        '/repo/workers/python/__pycache__/x.pyc',
        '/repo/README.md',
      ],
      stack,
    );
    expect(plan.restart).toEqual([]);
    expect(plan.unmatched).toHaveLength(3);
  });

  it('does not take a sibling directory with a common prefix for the watched one', () => {
    expect(planReload(['/repo/dispatcher-old/x.ts'], stack).restart).toEqual([]);
  });

  it('matches .dockerignore-style patterns', () => {
    expect(ignoreMatches('node_modules/', 'node_modules/x/y.js')).toBe(true);
    expect(ignoreMatches('**/*.test.ts', 'src/a/b.test.ts')).toBe(true);
    expect(ignoreMatches('*.log', 'deep/dir/app.log')).toBe(true);
    expect(ignoreMatches('dist/**', 'src/dist.ts')).toBe(false);
  });
});
