// Types only: the client itself is imported when the panel first polls.
import type { Connection } from '@temporalio/client';
import { messageOf } from '../../shared/result.js';
import {
  createQueueDiscovery,
  DISCOVERY_PERIOD_MS,
  mergeQueues,
  type WorkflowService,
} from './queue-discovery.js';
import { createFailureScanner, failuresSince, millisOf } from './task-failures.js';
import type {
  QueueSource,
  TaskQueueReading,
  TemporalOverview,
  TemporalTarget,
} from './temporal-overview.js';

const PERIOD_MS = 5_000;
const NORMAL_KIND = 1;
const WORKFLOW_QUEUE = 1;
const ACTIVITY_QUEUE = 2;
/**
 * A worker long-polls for about a minute, so a live poller was seen within this; the server
 * keeps listing a stopped worker's pollers for minutes.
 */
const LIVE_POLLER_MS = 90_000;

export interface WatchOptions {
  readonly periodMs?: number;
  readonly discoveryPeriodMs?: number;
}

/**
 * Asks the server every 5 s for the task queues in use (declared, and found from executions and
 * schedules), each queue's pollers, backlog and oldest task, what is failing (workflow tasks and
 * activities) and the latest failed workflows. The client loads only when the panel is shown
 * (the TUI), and a server that is down is a state to show, not an error.
 */
export function watchTemporal(
  target: TemporalTarget,
  onUpdate: (overview: TemporalOverview) => void,
  options: WatchOptions = {},
): () => void {
  let stopped = false;
  let connection: Connection | undefined;
  let reader: ReturnType<typeof createReader> | undefined;
  const poll = async () => {
    try {
      if (!reader) {
        const { Connection } = await import('@temporalio/client');
        connection = await Connection.connect({ address: target.address, connectTimeout: 2_000 });
        reader = createReader(connection.workflowService, target, options);
      }
      const overview = await reader.read();
      if (!stopped) onUpdate(overview);
    } catch (error) {
      if (!stopped)
        onUpdate({
          address: target.address,
          namespace: target.namespace,
          uiUrl: target.uiUrl,
          namespaces: [],
          taskQueues: [],
          failures: [],
          failed: [],
          reloadedAt: reader?.reloadedAt() ?? Date.now(),
          error: messageOf(error),
          at: Date.now(),
        });
    }
  };
  void poll();
  const timer = setInterval(() => void poll(), options.periodMs ?? PERIOD_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
    void connection?.close();
  };
}

/** One connection's readings; it remembers the workers it saw, to tell when they reloaded. */
function createReader(service: WorkflowService, target: TemporalTarget, options: WatchOptions) {
  const { namespace } = target;
  const discovery = createQueueDiscovery(service, namespace, options.discoveryPeriodMs);
  const scanner = createFailureScanner(service, namespace, options.discoveryPeriodMs);
  let reloadedAt = Date.now();
  let lastReadAt = reloadedAt;
  let knownWorkers: ReadonlySet<string> | undefined;
  let closedFailed: Awaited<ReturnType<typeof scanner.closedFailed>> = [];
  let closedFailedAt = 0;
  return {
    reloadedAt: () => reloadedAt,
    read: async (): Promise<TemporalOverview> => {
      const startedAt = Date.now();
      const [namespaces, scan, discovered] = await Promise.all([
        service.listNamespaces({ pageSize: 20 }),
        scanner.scan(),
        discovery.discover(startedAt),
      ]);
      if (startedAt - closedFailedAt >= (options.discoveryPeriodMs ?? DISCOVERY_PERIOD_MS)) {
        closedFailed = await scanner.closedFailed();
        closedFailedAt = startedAt;
      }
      const queues = mergeQueues(target.taskQueues, {
        executions: [...scan.runningQueues, ...discovered.executions],
        schedules: discovered.schedules,
      });
      const described = await Promise.all(
        queues.map((queue) => describeQueue(service, namespace, queue, startedAt)),
      );
      // A worker not seen before (a restart, or new workflow code: a new build id) is a reload;
      // it began polling after the previous reading.
      const workers = new Set(described.flatMap((d) => d.workers));
      if (knownWorkers && [...workers].some((w) => !knownWorkers!.has(w))) reloadedAt = lastReadAt;
      knownWorkers = new Set([...(knownWorkers ?? []), ...workers]);
      lastReadAt = startedAt;
      const counts = failuresSince(scan.failures, reloadedAt);
      return {
        address: target.address,
        namespace,
        uiUrl: target.uiUrl,
        namespaces: (namespaces.namespaces ?? [])
          .map((n) => n.namespaceInfo?.name ?? '')
          .filter((n) => n.length > 0),
        taskQueues: described.map((d) => ({
          ...d.reading,
          failuresSinceReload: counts.get(d.reading.name) ?? 0,
        })),
        failures: scan.failures,
        failed: closedFailed,
        reloadedAt,
        error: undefined,
        at: Date.now(),
      };
    },
  };
}

/** Pollers (live ones), backlog and oldest task of one queue, and its workers' identities. */
async function describeQueue(
  service: WorkflowService,
  namespace: string,
  queue: { readonly name: string; readonly source: QueueSource },
  now: number,
): Promise<{ reading: Omit<TaskQueueReading, 'failuresSinceReload'>; workers: string[] }> {
  const describe = (taskQueueType: number) =>
    service.describeTaskQueue({
      namespace,
      taskQueue: { name: queue.name, kind: NORMAL_KIND },
      taskQueueType,
      reportStats: true,
    });
  const [workflow, activity] = await Promise.all([
    describe(WORKFLOW_QUEUE),
    describe(ACTIVITY_QUEUE),
  ]);
  const live = (reply: typeof workflow) =>
    (reply.pollers ?? []).filter(
      (p) => now - (millisOf(p.lastAccessTime) ?? now) <= LIVE_POLLER_MS,
    );
  const stats = [workflow.stats, activity.stats].filter((s) => s !== undefined && s !== null);
  // The server leaves a zero count or age out of its reply: present stats with no count are 0.
  const backlog =
    stats.length > 0
      ? stats.reduce((sum, s) => sum + Number(s.approximateBacklogCount ?? 0), 0)
      : undefined;
  const ages = stats.map((s) => millisOf(s.approximateBacklogAge) ?? 0);
  return {
    reading: {
      name: queue.name,
      source: queue.source,
      workflowPollers: live(workflow).length,
      activityPollers: live(activity).length,
      backlog,
      oldestTaskAgeMs: backlog ? Math.max(...ages) : backlog === 0 ? 0 : undefined,
    },
    workers: [...live(workflow), ...live(activity)].map(
      (p) => `${p.identity ?? ''} ${p.workerVersionCapabilities?.buildId ?? ''}`,
    ),
  };
}
