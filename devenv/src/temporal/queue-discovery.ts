// Types only: the client itself is imported when the panel first polls.
import type { Connection } from '@temporalio/client';
import type { QueueSource } from './temporal-overview.js';

export type WorkflowService = Connection['workflowService'];

/** The panel shows at most this many queues: declared ones first, then the most recent. */
export const MAX_QUEUES = 12;
/** Recent executions and schedules change slowly; visibility is asked this often at most. */
export const DISCOVERY_PERIOD_MS = 15_000;
const RECENT_EXECUTIONS = 50;
const SCHEDULES = 20;

export interface DiscoveredQueues {
  /** Queues of the most recent executions, running or closed, newest first. */
  readonly executions: readonly string[];
  /** Queues the schedules start their workflows on. */
  readonly schedules: readonly string[];
}

/**
 * Pure: the queues the panel reads, each once, declared first (in their order), then those of
 * executions, then those of schedules, at most `cap` of them.
 */
export function mergeQueues(
  declared: readonly string[],
  discovered: DiscoveredQueues,
  cap: number = MAX_QUEUES,
): { readonly name: string; readonly source: QueueSource }[] {
  const merged = new Map<string, QueueSource>();
  const add = (names: readonly string[], source: QueueSource) => {
    for (const name of names) if (name && !merged.has(name)) merged.set(name, source);
  };
  add(declared, 'declared');
  add(discovered.executions, 'executions');
  add(discovered.schedules, 'schedules');
  return [...merged].slice(0, cap).map(([name, source]) => ({ name, source }));
}

/**
 * Finds the task queues a project uses from the server: those of its recent executions
 * (visibility) and of its schedules. Asks at most every DISCOVERY_PERIOD_MS and remembers each
 * schedule's queue, so an idle stack costs two list calls per period.
 */
export function createQueueDiscovery(
  service: WorkflowService,
  namespace: string,
  periodMs: number = DISCOVERY_PERIOD_MS,
): { discover(now: number): Promise<DiscoveredQueues> } {
  let last: { at: number; queues: DiscoveredQueues } | undefined;
  const scheduleQueues = new Map<string, string>();
  const scheduleQueue = async (scheduleId: string): Promise<string | undefined> => {
    const known = scheduleQueues.get(scheduleId);
    if (known !== undefined) return known;
    const described = await service.describeSchedule({ namespace, scheduleId });
    const queue = described.schedule?.action?.startWorkflow?.taskQueue?.name ?? '';
    scheduleQueues.set(scheduleId, queue);
    return queue;
  };
  return {
    discover: async (now) => {
      if (last && now - last.at < periodMs) return last.queues;
      const [recent, schedules] = await Promise.all([
        service.listWorkflowExecutions({ namespace, pageSize: RECENT_EXECUTIONS }),
        service.listSchedules({ namespace, maximumPageSize: SCHEDULES }),
      ]);
      const ids = (schedules.schedules ?? []).map((s) => s.scheduleId ?? '').filter(Boolean);
      const queues: DiscoveredQueues = {
        executions: (recent.executions ?? []).map((e) => e.taskQueue ?? ''),
        schedules: (await Promise.all(ids.map(scheduleQueue))).filter(
          (q): q is string => q !== undefined,
        ),
      };
      last = { at: now, queues };
      return queues;
    },
  };
}
