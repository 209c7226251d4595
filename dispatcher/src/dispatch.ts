import {
  isMessage,
  toBinary,
  toJson,
  type DescMessage,
  type JsonValue,
  type Message,
} from '@bufbuild/protobuf';
import { QueryNotRegisteredError, WorkflowFailedError, type Client } from '@temporalio/client';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
} from '@temporalio/common';
import { contractsRegistry } from '../../protos/ts/registry.js';
import { err, ok, type Result } from '../../devenv/shared/result.js';
import type { WORKFLOWS } from '../../workers/typescript/src/routing.js';
import { classify, type DispatchFailure } from './dispatch-failure.js';
import { idempotentWorkflowId, requestFingerprint, uniqueWorkflowId, type IdClock } from './ids.js';
import { failureStatus, statusName, type WorkflowStatusName } from './workflow-status.js';

/** A startable workflow, as routing.ts (the workers' config) describes it. */
export type WorkflowRoute = (typeof WORKFLOWS)[keyof typeof WORKFLOWS];

export interface StartedWorkflow {
  readonly workflowId: string;
  readonly runId: string;
  /** True when an earlier request with the same Idempotency-Key had started it. */
  readonly replayed: boolean;
}

export interface WorkflowDescription {
  readonly workflowId: string;
  readonly runId: string;
  readonly workflowType: string;
  readonly status: WorkflowStatusName;
  readonly taskQueue: string;
  readonly startTime: Date;
  readonly closeTime: Date | undefined;
  readonly historyLength: number;
}

export type WorkflowOutcome =
  | { readonly status: 'COMPLETED'; readonly value: unknown }
  | {
      readonly status: Exclude<WorkflowStatusName, 'COMPLETED' | 'RUNNING'>;
      readonly failureMessage: string;
    };

export interface DispatcherDeps {
  readonly client: Client;
  readonly clock: IdClock;
  /** Deadline of one Temporal call made for a request. */
  readonly callTimeoutMs: number;
  readonly onStarted?: (workflowType: string, replayed: boolean) => void;
}

const MEMO_FINGERPRINT = 'dispatcher_request_sha256';

/** The operations both front doors (HTTP, gRPC) offer, on the one shared client. */
export class Dispatcher {
  constructor(private readonly deps: DispatcherDeps) {}

  /** Bounds a Temporal call so a hung server yields `temporal-unavailable`, never a hang. */
  private bounded<T>(fn: () => Promise<T>, timeoutMs = this.deps.callTimeoutMs): Promise<T> {
    return this.deps.client.connection.withDeadline(Date.now() + timeoutMs, fn);
  }

  async start(
    route: WorkflowRoute,
    request: Message,
    key: string,
    idempotencyKey: string | undefined,
  ): Promise<Result<StartedWorkflow, DispatchFailure>> {
    const fingerprint =
      idempotencyKey === undefined
        ? undefined
        : requestFingerprint(route.type, toBinary(route.request as DescMessage, request as never));
    const workflowId =
      idempotencyKey === undefined
        ? uniqueWorkflowId(route.idPrefix, key, this.deps.clock)
        : idempotentWorkflowId(route.idPrefix, key, idempotencyKey);
    try {
      const handle = await this.bounded(() =>
        this.deps.client.workflow.start(route.type, {
          args: [request],
          taskQueue: route.taskQueue,
          workflowId,
          // Never attach to or replace an existing execution: a collision is reported (and, with
          // an Idempotency-Key, answered from the existing execution below).
          workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
          // With an Idempotency-Key the ID stays taken after the workflow closes, so a late retry
          // cannot start it again.
          workflowIdReusePolicy:
            fingerprint === undefined
              ? WorkflowIdReusePolicy.ALLOW_DUPLICATE
              : WorkflowIdReusePolicy.REJECT_DUPLICATE,
          ...(fingerprint === undefined ? {} : { memo: { [MEMO_FINGERPRINT]: fingerprint } }),
        }),
      );
      this.deps.onStarted?.(route.type, false);
      return ok({ workflowId, runId: handle.firstExecutionRunId, replayed: false });
    } catch (thrown) {
      if (thrown instanceof WorkflowExecutionAlreadyStartedError && fingerprint !== undefined) {
        return this.replay(route, workflowId, fingerprint);
      }
      return err(classify(thrown, workflowId));
    }
  }

  /** A repeated idempotent start: the first start's IDs if it was the same request, else a conflict. */
  private async replay(
    route: WorkflowRoute,
    workflowId: string,
    fingerprint: string,
  ): Promise<Result<StartedWorkflow, DispatchFailure>> {
    try {
      const description = await this.bounded(() =>
        this.deps.client.workflow.getHandle(workflowId).describe(),
      );
      if (description.type !== route.type || description.memo?.[MEMO_FINGERPRINT] !== fingerprint) {
        return err({ reason: 'idempotency-conflict', workflowId });
      }
      this.deps.onStarted?.(route.type, true);
      const firstRunId = description.raw.workflowExecutionInfo?.firstRunId;
      return ok({ workflowId, runId: firstRunId || description.runId, replayed: true });
    } catch (thrown) {
      return err(classify(thrown, workflowId));
    }
  }

  async describe(
    workflowId: string,
    runId: string | undefined,
  ): Promise<Result<WorkflowDescription, DispatchFailure>> {
    try {
      const d = await this.bounded(() =>
        this.deps.client.workflow.getHandle(workflowId, runId).describe(),
      );
      return ok({
        workflowId: d.workflowId,
        runId: d.runId,
        workflowType: d.type,
        status: statusName(d.status.name),
        taskQueue: d.taskQueue,
        startTime: d.startTime,
        closeTime: d.closeTime,
        historyLength: d.historyLength,
      });
    } catch (thrown) {
      return err(classify(thrown, workflowId));
    }
  }

  /**
   * The outcome of a closed workflow. `waitMs` 0 answers at once (`workflow-running` while it
   * runs); otherwise waits up to `waitMs` for it to close.
   */
  async result(
    workflowId: string,
    runId: string | undefined,
    waitMs: number,
  ): Promise<Result<WorkflowOutcome, DispatchFailure>> {
    const described = await this.describe(workflowId, runId);
    if (!described.ok) return described;
    if (described.value.status === 'RUNNING' && waitMs <= 0) {
      return err({ reason: 'workflow-running', workflowId });
    }
    const handle = this.deps.client.workflow.getHandle(workflowId, runId);
    try {
      // A closed workflow's result is one history read; a running one is waited for `waitMs`.
      const value: unknown = await this.bounded(
        () => handle.result(),
        waitMs > 0 ? waitMs : this.deps.callTimeoutMs,
      );
      return ok({ status: 'COMPLETED', value });
    } catch (thrown) {
      if (thrown instanceof WorkflowFailedError) {
        return ok({
          status: failureStatus(thrown.cause),
          failureMessage: thrown.cause?.message ?? thrown.message,
        });
      }
      const failure = classify(thrown, workflowId);
      if (failure.reason === 'temporal-unavailable') {
        // The wait ran out, or Temporal went away: tell the two apart by asking once more.
        const again = await this.describe(workflowId, runId);
        if (again.ok && again.value.status === 'RUNNING') {
          return err({ reason: 'workflow-running', workflowId });
        }
      }
      return err(failure);
    }
  }

  async cancel(
    workflowId: string,
    runId: string | undefined,
  ): Promise<Result<{ readonly workflowId: string; readonly runId: string }, DispatchFailure>> {
    const described = await this.describe(workflowId, runId);
    if (!described.ok) return described;
    if (described.value.status !== 'RUNNING') {
      return err({ reason: 'workflow-closed', workflowId, status: described.value.status });
    }
    try {
      await this.bounded(() =>
        this.deps.client.workflow.getHandle(workflowId, described.value.runId).cancel(),
      );
      return ok({ workflowId, runId: described.value.runId });
    } catch (thrown) {
      return err(classify(thrown, workflowId));
    }
  }

  async signal(
    workflowId: string,
    signal: string,
    args: readonly unknown[],
  ): Promise<Result<{ readonly workflowId: string }, DispatchFailure>> {
    try {
      await this.bounded(() =>
        this.deps.client.workflow.getHandle(workflowId).signal(signal, ...args),
      );
      return ok({ workflowId });
    } catch (thrown) {
      return err(classify(thrown, workflowId));
    }
  }

  async query(
    workflowId: string,
    query: string,
    args: readonly unknown[],
  ): Promise<Result<unknown, DispatchFailure>> {
    try {
      return ok(
        await this.bounded(() =>
          this.deps.client.workflow.getHandle(workflowId).query(query, ...args),
        ),
      );
    } catch (thrown) {
      if (thrown instanceof QueryNotRegisteredError) {
        return err({ reason: 'query-not-found', workflowId, query });
      }
      return err(classify(thrown, workflowId));
    }
  }
}

/** proto3 JSON with proto field names, as the HTTP API writes every message; other values as-is. */
export function resultJson(value: unknown): unknown {
  if (isMessage(value)) {
    const schema = contractsRegistry.getMessage(value.$typeName);
    if (schema) {
      return toJson(schema, value, {
        registry: contractsRegistry,
        useProtoFieldName: true,
      }) as JsonValue;
    }
  }
  return value;
}
