// Types only: the client itself is imported when the panel first polls.
import type { Connection } from '@temporalio/client';
import { messageOf } from '../../shared/result.js';
import type { TemporalOverview, TemporalTarget } from './temporal-overview.js';

const PERIOD_MS = 5_000;
const NORMAL_KIND = 1;
const WORKFLOW_QUEUE = 1;
const ACTIVITY_QUEUE = 2;
const CLOSE_EVENT = 2;

type WorkflowService = Connection['workflowService'];

/**
 * Asks the server for namespaces, pollers and backlog of the stack's task queues, and the latest
 * failed workflows with their failure messages, every 5 s. The client loads only when the panel
 * is shown (the TUI), and a server that is down is a state to show, not an error.
 */
export function watchTemporal(
  target: TemporalTarget,
  onUpdate: (overview: TemporalOverview) => void,
): () => void {
  let stopped = false;
  let connection: Connection | undefined;
  const poll = async () => {
    try {
      if (!connection) {
        const { Connection } = await import('@temporalio/client');
        connection = await Connection.connect({ address: target.address, connectTimeout: 2_000 });
      }
      const overview = await read(connection.workflowService, target);
      if (!stopped) onUpdate(overview);
    } catch (error) {
      if (!stopped)
        onUpdate({
          address: target.address,
          namespaces: [],
          taskQueues: [],
          failed: [],
          error: messageOf(error),
          at: Date.now(),
        });
    }
  };
  void poll();
  const timer = setInterval(() => void poll(), PERIOD_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
    void connection?.close();
  };
}

async function read(service: WorkflowService, target: TemporalTarget): Promise<TemporalOverview> {
  const namespace = target.namespace;
  const [namespaces, queues, failed] = await Promise.all([
    service.listNamespaces({ pageSize: 20 }),
    Promise.all(
      target.taskQueues.map(async (name) => {
        const describe = (taskQueueType: number) =>
          service.describeTaskQueue({
            namespace,
            taskQueue: { name, kind: NORMAL_KIND },
            taskQueueType,
            reportStats: true,
          });
        const [workflow, activity] = await Promise.all([
          describe(WORKFLOW_QUEUE),
          describe(ACTIVITY_QUEUE),
        ]);
        const backlogOf = (r: typeof workflow) => r.stats?.approximateBacklogCount;
        const backlogs = [backlogOf(workflow), backlogOf(activity)].filter(
          (b) => b !== undefined && b !== null,
        );
        return {
          name,
          workflowPollers: workflow.pollers?.length ?? 0,
          activityPollers: activity.pollers?.length ?? 0,
          backlog: backlogs.length > 0 ? backlogs.reduce((a, b) => a + Number(b), 0) : undefined,
        };
      }),
    ),
    service.listWorkflowExecutions({ namespace, pageSize: 5, query: 'ExecutionStatus="Failed"' }),
  ]);
  const failures = await Promise.all(
    (failed.executions ?? []).slice(0, 5).map(async (e) => {
      const workflowId = e.execution?.workflowId ?? '';
      const history = await service.getWorkflowExecutionHistory({
        namespace,
        execution: { workflowId, runId: e.execution?.runId ?? '' },
        historyEventFilterType: CLOSE_EVENT,
      });
      const message =
        history.history?.events?.[0]?.workflowExecutionFailedEventAttributes?.failure?.message ??
        '';
      return { workflowId, type: e.type?.name ?? '', message };
    }),
  );
  return {
    address: target.address,
    namespaces: (namespaces.namespaces ?? [])
      .map((n) => n.namespaceInfo?.name ?? '')
      .filter((n) => n.length > 0),
    taskQueues: queues,
    failed: failures,
    error: undefined,
    at: Date.now(),
  };
}
