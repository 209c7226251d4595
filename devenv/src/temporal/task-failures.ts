import { DISCOVERY_PERIOD_MS, type WorkflowService } from './queue-discovery.js';
import type { TaskFailure } from './temporal-overview.js';

/** Running executions described per scan: the newest ones, so a fresh failure is among them. */
export const RUNNING_SCANNED = 20;
const FAILURES_KEPT = 20;
/** A run this young is described at every scan: a bad change fails its first tasks. */
const YOUNG_RUN_MS = 60_000;
const CLOSED_FAILED = 5;
const CLOSE_EVENT = 2;
const HISTORY_PAGE = 20;

export interface FailureScan {
  readonly failures: readonly TaskFailure[];
  /** Task queues of the running executions, newest first (they are queues in use too). */
  readonly runningQueues: readonly string[];
}

interface ProtoTimestamp {
  readonly seconds?: unknown;
  readonly nanos?: number | null;
}

/** Pure: a protobuf Timestamp or Duration as milliseconds (`seconds` may be a Long). */
export function millisOf(value: ProtoTimestamp | null | undefined): number | undefined {
  if (!value || value.seconds === undefined || value.seconds === null) return undefined;
  return Number(value.seconds) * 1000 + Math.floor((value.nanos ?? 0) / 1e6);
}

/** Pure: failures per task queue whose latest failure is at or after `since`. */
export function failuresSince(
  failures: readonly TaskFailure[],
  since: number,
): ReadonlyMap<string, number> {
  const counts = new Map<string, number>();
  for (const failure of failures)
    if (failure.at >= since)
      counts.set(failure.taskQueue, (counts.get(failure.taskQueue) ?? 0) + 1);
  return counts;
}

/**
 * Reads what is failing now without a search attribute the server may not fill (the dev server
 * leaves TemporalReportedProblems empty): the newest running executions, each described for a
 * workflow task in its second attempt or later (a throw or a non-determinism error in workflow
 * code) and for activities retrying after a failure. A workflow task's message is its first
 * WorkflowTaskFailed event (the server records no later attempt), fetched once per run. A run
 * older than a minute that was healthy is described again only every `recheckMs`.
 */
export function createFailureScanner(
  service: WorkflowService,
  namespace: string,
  recheckMs: number = DISCOVERY_PERIOD_MS,
): { scan(): Promise<FailureScan>; closedFailed(): Promise<ClosedFailure[]> } {
  const taskMessages = new Map<string, string>();
  const closedMessages = new Map<string, string>();
  const described = new Map<string, { at: number; failures: readonly TaskFailure[] }>();
  const workflowTaskMessage = async (workflowId: string, runId: string) => {
    const known = taskMessages.get(runId);
    if (known !== undefined) return known;
    const history = await service.getWorkflowExecutionHistoryReverse({
      namespace,
      execution: { workflowId, runId },
      maximumPageSize: HISTORY_PAGE,
    });
    const failed = (history.history?.events ?? []).find((e) => e.workflowTaskFailedEventAttributes);
    const message = failed?.workflowTaskFailedEventAttributes?.failure?.message ?? '';
    if (message) taskMessages.set(runId, message);
    return message;
  };
  // A young or failing run is described at every scan; an older healthy one after recheckMs.
  const failuresOf = async (execution: Execution) => {
    const runId = execution.execution?.runId ?? '';
    const known = described.get(runId);
    const age = Date.now() - (millisOf(execution.startTime) ?? Date.now());
    const settled = known && known.failures.length === 0 && age > YOUNG_RUN_MS;
    if (settled && Date.now() - known.at < recheckMs) return [];
    const failures = await readRun(service, namespace, execution, workflowTaskMessage);
    described.set(runId, { at: Date.now(), failures });
    return failures;
  };
  const forget = (kept: ReadonlySet<string>) => {
    for (const runId of described.keys()) if (!kept.has(runId)) described.delete(runId);
  };
  return {
    scan: () => scanRunning(service, namespace, failuresOf, forget),
    closedFailed: () => readClosedFailed(service, namespace, closedMessages),
  };
}

type Execution = NonNullable<
  Awaited<ReturnType<WorkflowService['listWorkflowExecutions']>>['executions']
>[number];

async function scanRunning(
  service: WorkflowService,
  namespace: string,
  failuresOf: (execution: Execution) => Promise<readonly TaskFailure[]>,
  forget: (kept: ReadonlySet<string>) => void,
): Promise<FailureScan> {
  const running = await service.listWorkflowExecutions({
    namespace,
    pageSize: RUNNING_SCANNED,
    query: 'ExecutionStatus="Running"',
  });
  const executions = (running.executions ?? []).slice(0, RUNNING_SCANNED);
  forget(new Set(executions.map((e) => e.execution?.runId ?? '')));
  const found = await Promise.all(executions.map(failuresOf));
  return {
    failures: found
      .flat()
      .sort((a, b) => b.at - a.at)
      .slice(0, FAILURES_KEPT),
    runningQueues: executions.map((e) => e.taskQueue ?? ''),
  };
}

/** One run's failing workflow task and activities, from DescribeWorkflowExecution. */
async function readRun(
  service: WorkflowService,
  namespace: string,
  e: Execution,
  workflowTaskMessage: (workflowId: string, runId: string) => Promise<string>,
): Promise<TaskFailure[]> {
  const workflowId = e.execution?.workflowId ?? '';
  const runId = e.execution?.runId ?? '';
  const described = await service.describeWorkflowExecution({
    namespace,
    execution: { workflowId, runId },
  });
  const run = { workflowId, runId, type: e.type?.name ?? '', taskQueue: e.taskQueue ?? '' };
  const task = described.pendingWorkflowTask;
  const failures: TaskFailure[] = activityFailures(run, described.pendingActivities ?? []);
  if (task && (task.attempt ?? 0) > 1)
    failures.push({
      kind: 'workflow-task',
      ...run,
      message: await workflowTaskMessage(workflowId, runId),
      attempt: task.attempt ?? 0,
      at: millisOf(task.scheduledTime) ?? Date.now(),
    });
  return failures;
}

/** The latest workflows that closed as failed, with their failure; a run's message is kept. */
async function readClosedFailed(
  service: WorkflowService,
  namespace: string,
  messages: Map<string, string>,
): Promise<ClosedFailure[]> {
  const failed = await service.listWorkflowExecutions({
    namespace,
    pageSize: CLOSED_FAILED,
    query: 'ExecutionStatus="Failed"',
  });
  return Promise.all(
    (failed.executions ?? []).slice(0, CLOSED_FAILED).map(async (e) => {
      const workflowId = e.execution?.workflowId ?? '';
      const runId = e.execution?.runId ?? '';
      let message = messages.get(runId);
      if (message === undefined) {
        const history = await service.getWorkflowExecutionHistory({
          namespace,
          execution: { workflowId, runId },
          historyEventFilterType: CLOSE_EVENT,
        });
        const close = history.history?.events?.[0];
        message = close?.workflowExecutionFailedEventAttributes?.failure?.message ?? '';
        messages.set(runId, message);
      }
      return { workflowId, type: e.type?.name ?? '', message };
    }),
  );
}

export interface ClosedFailure {
  readonly workflowId: string;
  readonly type: string;
  readonly message: string;
}

type PendingActivity = NonNullable<
  Awaited<ReturnType<WorkflowService['describeWorkflowExecution']>>['pendingActivities']
>[number];

/** Pure: the run's activities retrying after a failure. */
function activityFailures(
  run: { workflowId: string; runId: string; taskQueue: string },
  pending: readonly PendingActivity[],
): TaskFailure[] {
  return pending
    .filter((a) => (a.attempt ?? 0) > 1 && a.lastFailure)
    .map((a) => ({
      kind: 'activity',
      workflowId: run.workflowId,
      runId: run.runId,
      taskQueue: a.activityOptions?.taskQueue?.name || run.taskQueue,
      type: a.activityType?.name ?? '',
      message: a.lastFailure?.message ?? '',
      attempt: a.attempt ?? 0,
      at: millisOf(a.lastAttemptCompleteTime) ?? Date.now(),
    }));
}
