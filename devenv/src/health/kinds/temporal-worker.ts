import { z } from 'zod';
import { DEFAULT_TEMPORAL_NAMESPACE } from '../../model/schema-defaults.js';
import type { ProbeKindDefinition } from '../probe-kind.js';
import type { PollerKind } from '../temporal-pollers.js';
import { importOnce } from '../import-once.js';

export interface TemporalWorkerCheck {
  readonly kind: 'temporal_worker';
  readonly taskQueue: string;
  /** Undefined: the service's TEMPORAL_ADDRESS, else 127.0.0.1:7233 (temporal-worker-probe.ts). */
  readonly address: string | undefined;
  readonly namespace: string;
  /** The task queue types that must have a poller of this run. */
  readonly kinds: readonly PollerKind[];
}

const pollerKind = z.enum(['workflow', 'activity'], {
  error: 'expected workflow or activity',
});

const DEFAULT_KINDS: PollerKind[] = ['workflow', 'activity'];

const workerObject = z.strictObject(
  {
    task_queue: z.string().min(1, { error: 'the task queue the worker polls' }),
    address: z.string().min(1).optional(),
    namespace: z.string().min(1).default(DEFAULT_TEMPORAL_NAMESPACE),
    kinds: z
      .array(pollerKind)
      .min(1, { error: 'expected one or both of workflow, activity' })
      .default(DEFAULT_KINDS),
  },
  { error: 'expected {task_queue, address?, namespace?, kinds?}' },
);

const runner = importOnce(() => import('../temporal-worker-probe.js'));

/**
 * `temporal_worker: QUEUE` or `temporal_worker: {task_queue, address?, namespace?, kinds?}`:
 * this run of the service polls the task queue (DescribeTaskQueue lists a poller of it for each
 * kind). Any Temporal worker's readiness, whatever its language, without a health endpoint.
 */
export const temporalWorkerProbe: ProbeKindDefinition<TemporalWorkerCheck> = {
  parse: z
    .union(
      [
        z
          .string()
          .min(1)
          .transform((task_queue) => ({ task_queue })),
        workerObject,
      ],
      {
        error: 'expected a task queue or {task_queue, address?, namespace?, kinds?}',
      },
    )
    .transform((worker) => ({
      kind: 'temporal_worker' as const,
      taskQueue: worker.task_queue,
      address: 'address' in worker ? worker.address : undefined,
      namespace: 'namespace' in worker ? worker.namespace : DEFAULT_TEMPORAL_NAMESPACE,
      kinds: [...new Set('kinds' in worker ? worker.kinds : DEFAULT_KINDS)],
    })),
  write: (check) => ({
    task_queue: check.taskQueue,
    ...(check.address !== undefined ? { address: check.address } : {}),
    namespace: check.namespace,
    kinds: [...check.kinds],
  }),
  example: {
    kind: 'temporal_worker',
    taskQueue: 'hello-world',
    address: '127.0.0.1:7233',
    namespace: 'default',
    kinds: ['workflow'],
  },
  run: async (check, timeoutMs, _cwd, service) =>
    (await runner()).probeTemporalWorker(check, timeoutMs, service),
};
