import type { Stack } from '../model/stack.js';

/** What the TUI's Temporal panel shows: read from the server every few seconds. */
export interface TemporalOverview {
  readonly address: string;
  readonly namespaces: readonly string[];
  readonly taskQueues: readonly {
    readonly name: string;
    readonly workflowPollers: number;
    readonly activityPollers: number;
    /** Tasks waiting for a poller (workflow + activity), when the server reports it. */
    readonly backlog: number | undefined;
  }[];
  readonly failed: readonly {
    readonly workflowId: string;
    readonly type: string;
    readonly message: string;
  }[];
  /** Set when the server could not be asked (it is starting, or down). */
  readonly error: string | undefined;
  readonly at: number;
}

export interface TemporalTarget {
  readonly address: string;
  readonly namespace: string;
  readonly taskQueues: readonly string[];
}

/**
 * Pure: where the stack's Temporal is (the service probed with `temporal:`) and which task queues
 * it uses (every `*_TASK_QUEUE` variable the services set), or undefined for a stack without one.
 */
export function temporalTargetOf(stack: Stack): TemporalTarget | undefined {
  let target: { address: string; namespace: string } | undefined;
  const queues = new Set<string>();
  for (const spec of Object.values(stack.services)) {
    const check = spec.devenv.probe?.check;
    if (check?.kind === 'temporal' && !target)
      target = { address: check.address, namespace: check.namespace };
    for (const env of [spec.environment, spec.devenv.native?.environment ?? {}]) {
      for (const [key, value] of Object.entries(env))
        if (key.endsWith('_TASK_QUEUE') && value) queues.add(value);
    }
  }
  return target ? { ...target, taskQueues: [...queues].sort() } : undefined;
}
