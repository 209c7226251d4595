import type { Stack } from '../model/stack.js';

/** Where the panel learned of a task queue; a declared queue is shown even before it is used. */
export type QueueSource = 'declared' | 'executions' | 'schedules';

export interface TaskQueueReading {
  readonly name: string;
  readonly source: QueueSource;
  /** Pollers seen recently (the server lists a stopped worker's pollers for minutes). */
  readonly workflowPollers: number;
  readonly activityPollers: number;
  /** Tasks waiting for a poller (workflow + activity), when the server reports it. */
  readonly backlog: number | undefined;
  /** How long the oldest waiting task has waited, when the server reports it. */
  readonly oldestTaskAgeMs: number | undefined;
  /** Tasks of this queue failing since the last reload (see TemporalOverview.reloadedAt). */
  readonly failuresSinceReload: number;
}

/** A workflow task or an activity that is failing and being retried, as the server has it now. */
export interface TaskFailure {
  readonly kind: 'workflow-task' | 'activity';
  readonly taskQueue: string;
  readonly workflowId: string;
  readonly runId: string;
  /** The workflow type of a workflow task, the activity type of an activity. */
  readonly type: string;
  readonly message: string;
  readonly attempt: number;
  /** When it last failed (ms since the epoch). */
  readonly at: number;
}

/** What the TUI's Temporal panel shows: read from the server every few seconds. */
export interface TemporalOverview {
  readonly address: string;
  readonly namespace: string;
  /** The Temporal web UI (the temporal service's `x-devenv.url`), for opening a workflow. */
  readonly uiUrl: string | undefined;
  readonly namespaces: readonly string[];
  readonly taskQueues: readonly TaskQueueReading[];
  /** Failing workflow tasks and activities, newest first. */
  readonly failures: readonly TaskFailure[];
  /** Workflows that closed as failed, newest first. */
  readonly failed: readonly {
    readonly workflowId: string;
    readonly type: string;
    readonly message: string;
  }[];
  /**
   * The last reload seen from the server: a new worker (identity or build) polling one of the
   * queues; the watch's start until then. Failures are counted from here.
   */
  readonly reloadedAt: number;
  /** Set when the server could not be asked (it is starting, or down). */
  readonly error: string | undefined;
  readonly at: number;
}

export interface TemporalTarget {
  readonly address: string;
  readonly namespace: string;
  /** Queues named in the compose file; the server's executions and schedules add the rest. */
  readonly taskQueues: readonly string[];
  readonly uiUrl: string | undefined;
}

/**
 * Pure: where the stack's Temporal is (the service probed with `temporal:`) and which task queues
 * the compose file names: every `*_TASK_QUEUE` variable the services set, each service's
 * `x-devenv.temporal.task_queues` and the queue of a `temporal_worker` probe. Undefined for a
 * stack without Temporal.
 */
export function temporalTargetOf(stack: Stack): TemporalTarget | undefined {
  let target: { address: string; namespace: string; uiUrl: string | undefined } | undefined;
  const queues = new Set<string>();
  for (const spec of Object.values(stack.services)) {
    const check = spec.devenv.probe?.check;
    if (check?.kind === 'temporal' && !target)
      target = { address: check.address, namespace: check.namespace, uiUrl: spec.devenv.url };
    if (check?.kind === 'temporal_worker') queues.add(check.taskQueue);
    for (const env of [spec.environment, spec.devenv.native?.environment ?? {}]) {
      for (const [key, value] of Object.entries(env))
        if (key.endsWith('_TASK_QUEUE') && value) queues.add(value);
    }
    for (const queue of declaredQueuesOf(stack.document, spec.name)) queues.add(queue);
  }
  return target ? { ...target, taskQueues: [...queues].sort() } : undefined;
}

/**
 * `x-devenv.temporal.task_queues` of a service, read from the document: the schema validated it,
 * and only the panel uses it.
 */
function declaredQueuesOf(document: Stack['document'], service: string): readonly string[] {
  const at = (value: unknown, key: string): unknown =>
    typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)[key]
      : undefined;
  const queues = at(at(at(at(document, 'services'), service), 'x-devenv'), 'temporal');
  const list = at(queues, 'task_queues');
  return Array.isArray(list) ? list.filter((q): q is string => typeof q === 'string' && !!q) : [];
}

/** The Temporal UI's page of one workflow run. */
export function workflowPageUrl(
  uiUrl: string,
  namespace: string,
  failure: Pick<TaskFailure, 'workflowId' | 'runId'>,
): string {
  const base = uiUrl.replace(/\/+$/, '');
  const id = encodeURIComponent(failure.workflowId);
  return `${base}/namespaces/${encodeURIComponent(namespace)}/workflows/${id}/${encodeURIComponent(failure.runId)}/history`;
}
