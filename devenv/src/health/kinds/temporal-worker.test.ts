import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../diagnostic.js';
import { parseStack } from '../../model/load-stack.js';
import { workerTemporalAddress } from '../temporal-worker-probe.js';

const compose = (probe: string) => `services:
  worker:
    image: w
    environment: { TEMPORAL_ADDRESS: 127.0.0.1:7300 }
    x-devenv:
      native: { command: [node, worker.js] }
      probe:
        temporal_worker: ${probe}
`;

function load(probe: string) {
  return parseStack([{ file: 'compose.yaml', text: compose(probe) }], {
    projectDir: '/proj',
    env: {},
  });
}

describe('x-devenv.probe.temporal_worker', () => {
  it('takes a task queue alone: both kinds, namespace default, the address from the service', () => {
    const stack = load('hello-world');
    if (!stack.ok) throw new Error(stack.error.map(formatDiagnostic).join('\n'));
    const check = stack.value.services['worker']?.devenv.probe?.check;
    expect(check).toEqual({
      kind: 'temporal_worker',
      taskQueue: 'hello-world',
      address: undefined,
      namespace: 'default',
      kinds: ['workflow', 'activity'],
    });
    if (check?.kind !== 'temporal_worker') throw new Error('not a temporal_worker check');
    const environment = { TEMPORAL_ADDRESS: '127.0.0.1:7300' };
    expect(workerTemporalAddress(check, { pid: 1, startedAt: 0, environment })).toBe(
      '127.0.0.1:7300',
    );
    expect(workerTemporalAddress(check, undefined)).toBe('127.0.0.1:7233');
    expect(workerTemporalAddress({ ...check, address: 'h:1' }, undefined)).toBe('h:1');
  });

  it('positions bad input at the value, saying what it expects', () => {
    const errors = (probe: string) => {
      const stack = load(probe);
      return stack.ok ? [] : stack.error.map(formatDiagnostic);
    };
    expect(errors('{ task_queue: q, kinds: [workflow, nexus] }')).toEqual([
      expect.stringMatching(
        /^compose\.yaml:8:61: services\.worker\.x-devenv\.probe\.temporal_worker\.kinds\[1\]: "nexus" is not one of workflow, activity/,
      ),
    ]);
    expect(errors('{ kinds: [] }')).toEqual([
      expect.stringMatching(
        /^compose\.yaml:8:26: services\.worker\.x-devenv\.probe\.temporal_worker\.task_queue is missing/,
      ),
      expect.stringMatching(
        /^compose\.yaml:8:35: services\.worker\.x-devenv\.probe\.temporal_worker\.kinds: expected one or both of workflow, activity/,
      ),
    ]);
    expect(errors('7')).toEqual([
      expect.stringMatching(
        /^compose\.yaml:8:26: services\.worker\.x-devenv\.probe\.temporal_worker: expected a task queue or \{task_queue, address\?, namespace\?, kinds\?\}/,
      ),
    ]);
  });
});
