/**
 * Task-queue routing and per-workflow configuration: the seeds' "workflow base class" (pattern 3)
 * done the TypeScript way, as typed data plus helpers instead of inheritance.
 *
 * Imported by three kinds of code, so it stays pure (no Node built-ins, no SDK runtime imports):
 * - the worker (which queue to poll, which workflows it registers);
 * - the dispatcher (workflow type names, queues, request/response schemas, ID prefixes);
 * - workflow code inside the SDK's sandbox, which has no `process`: there the task queues are
 *   the values the worker resolved when it bundled the workflows (see `bundleTimeDefines`).
 */
import type { DescMessage } from '@bufbuild/protobuf';
import type { RetryPolicy } from '@temporalio/common';
import {
  LongTimerWorkflowRequestSchema,
  LongTimerWorkflowResponseSchema,
} from '../../../protos/gen/ts/timecop/workflows/v1/long_timer_pb.js';
import {
  WorkflowDemoMixedRequestSchema,
  WorkflowDemoMixedResponseSchema,
  WorkflowDemoPythonRequestSchema,
  WorkflowDemoPythonResponseSchema,
  WorkflowDemoTypeScriptRequestSchema,
  WorkflowDemoTypeScriptResponseSchema,
} from '../../../protos/gen/ts/timecop/workflows/v1/demo_pb.js';
import {
  SummarizePatientContextWorkflowRequestSchema,
  SummarizePatientContextWorkflowResponseSchema,
} from '../../../protos/gen/ts/timecop/workflows/v1/summarize_patient_context_pb.js';

/** The queue each worker language polls. */
export interface TaskQueues {
  readonly typescript: string;
  readonly python: string;
}

/** Which worker a workflow or activity runs on. */
export type WorkerLanguage = keyof TaskQueues;

export const DEFAULT_TASK_QUEUES: TaskQueues = {
  typescript: 'time-cop-typescript',
  python: 'time-cop-python',
};

/** Environment variables that override the defaults (same names in both workers' processes). */
export const TASK_QUEUE_ENV = { typescript: 'TS_TASK_QUEUE', python: 'PYTHON_TASK_QUEUE' } as const;

export const DEFAULT_NAMESPACE = 'time-cop';
export const DEFAULT_TEMPORAL_HOST = '127.0.0.1:7233';

type Env = Readonly<Record<string, string | undefined>>;

/** Pure: the queues an environment selects (empty values count as unset). */
export function taskQueuesFrom(env: Env): TaskQueues {
  return {
    typescript: nonEmpty(env[TASK_QUEUE_ENV.typescript]) ?? DEFAULT_TASK_QUEUES.typescript,
    python: nonEmpty(env[TASK_QUEUE_ENV.python]) ?? DEFAULT_TASK_QUEUES.python,
  };
}

/** Where a client or worker connects: `TEMPORAL_HOST`, `TEMPORAL_NAMESPACE`. */
export function temporalTargetFrom(env: Env): {
  readonly address: string;
  readonly namespace: string;
} {
  return {
    address: nonEmpty(env['TEMPORAL_HOST']) ?? DEFAULT_TEMPORAL_HOST,
    namespace: nonEmpty(env['TEMPORAL_NAMESPACE']) ?? DEFAULT_NAMESPACE,
  };
}

// Replaced by a literal in the workflow bundle (webpack DefinePlugin, see bundleTimeDefines);
// an undeclared global everywhere else, hence the `typeof` guard.
declare const __TIME_COP_TASK_QUEUES__: TaskQueues | undefined;

/** The name `bundleTimeDefines` replaces; exported for the worker's bundler hook. */
export const BUNDLE_TIME_TASK_QUEUES = '__TIME_COP_TASK_QUEUES__';

/** The values to bake into a workflow bundle: the queues as this process resolves them. */
export function bundleTimeDefines(queues: TaskQueues = TASK_QUEUES): Record<string, string> {
  return {
    [BUNDLE_TIME_TASK_QUEUES]: JSON.stringify({
      typescript: queues.typescript,
      python: queues.python,
    }),
  };
}

function currentEnv(): Env {
  // `process` is absent in the workflow sandbox and in browsers; read it without assuming it.
  const proc = (globalThis as { process?: { env?: Env } }).process;
  return proc?.env ?? {};
}

/**
 * The task queues, read at each access so tests and the dispatcher see env changes; inside the
 * workflow bundle, the values the worker baked in (deterministic: fixed for the bundle's life).
 */
export const TASK_QUEUES: TaskQueues = {
  get typescript() {
    return resolveTaskQueues().typescript;
  },
  get python() {
    return resolveTaskQueues().python;
  },
};

function resolveTaskQueues(): TaskQueues {
  if (typeof __TIME_COP_TASK_QUEUES__ !== 'undefined') return __TIME_COP_TASK_QUEUES__;
  return taskQueuesFrom(currentEnv());
}

/** Activity names as registered; cross-language calls use these strings (seeds pattern 1). */
export const ACTIVITY_TYPES = {
  sayHelloTypeScript: 'ActivitySayHelloTypeScript',
  sayHelloPython: 'ActivitySayHelloPython',
  fetchPatientEvents: 'FetchPatientEvents',
  createSummary: 'CreateSummary',
  /** Python: takes and returns the generated proto messages (CreateSummaryRequest/Response). */
  createSummaryPython: 'CreateSummaryPython',
} as const;

/**
 * ApplicationFailure types that no retry can fix: every activity call lists them as
 * `nonRetryableErrorTypes`, and activities throw them for bad input.
 */
export const NON_RETRYABLE_ERROR_TYPES = {
  /** The request breaks a documented contract rule (e.g. an empty `name`). */
  InvalidRequest: 'InvalidRequest',
  /** The payload converter could not read a payload (protos/ts/payload-converter.ts). */
  UnknownMessageType: 'UnknownMessageType',
  MissingMessageType: 'MissingMessageType',
  CorruptProtobufPayload: 'CorruptProtobufPayload',
} as const;

export type ActivityType = (typeof ACTIVITY_TYPES)[keyof typeof ACTIVITY_TYPES];

/** A duration the SDK reads (`ms` syntax) and code can add up: see millisecondsOf. */
export type Seconds = `${number} second` | `${number} seconds`;

export function millisecondsOf(duration: Seconds): number {
  return Number.parseFloat(duration) * 1000;
}

/** How long one attempt of an activity may take, and how often a long one must say it is alive. */
export interface AttemptTimeouts {
  /**
   * Longest one attempt may run. An attempt lost with its worker (SIGKILL, OOM, a pulled plug)
   * reports nothing: only this timeout tells Temporal to retry it elsewhere. Without it, the
   * attempt is noticed when scheduleToCloseTimeout ends, too late to retry (issue #25).
   */
  readonly startToCloseTimeout: Seconds;
  /**
   * For activities that can run longer than a few seconds: they call heartbeat() more often than
   * this, so a lost attempt is noticed after this, not after the whole startToCloseTimeout.
   */
  readonly heartbeatTimeout?: Seconds;
}

/**
 * Every activity's attempt timeouts, in one place: workflows call each activity, the Python ones
 * too, with its own (workflows/activity-options.ts). Sized to what each does, with room for a
 * busy machine; an attempt lost with its worker is retried about that long after it started.
 * None runs long enough to heartbeat.
 */
export const ACTIVITY_ATTEMPT_TIMEOUTS = {
  /** A string, plus DEMO_ACTIVITY_DELAY_MS of simulated work: at most half of this (config). */
  [ACTIVITY_TYPES.sayHelloTypeScript]: { startToCloseTimeout: '10 seconds' },
  [ACTIVITY_TYPES.sayHelloPython]: { startToCloseTimeout: '10 seconds' },
  /**
   * One query. Longer than the pool's own bounds (db/pool.ts: 3 s to connect, 10 s per
   * statement), so a slow Postgres fails the attempt with its own error first.
   */
  [ACTIVITY_TYPES.fetchPatientEvents]: { startToCloseTimeout: '15 seconds' },
  /** Pure computation over a patient's events: milliseconds. */
  [ACTIVITY_TYPES.createSummary]: { startToCloseTimeout: '10 seconds' },
  [ACTIVITY_TYPES.createSummaryPython]: { startToCloseTimeout: '10 seconds' },
} as const satisfies Record<ActivityType, AttemptTimeouts>;

/**
 * Every activity call: bounded in time (seeds pattern 7), with an explicit retry policy. The
 * 300 s are the budget for all attempts together; each attempt has its own bound above.
 */
export const DEFAULT_ACTIVITY_OPTIONS = {
  scheduleToCloseTimeout: '300 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    // No maximumAttempts (unlimited): retries are bounded by scheduleToCloseTimeout instead, so
    // a dependency that is down for a minute (Postgres restarting) is waited out, and a
    // permanent failure still ends within 300 s.
    nonRetryableErrorTypes: Object.values(NON_RETRYABLE_ERROR_TYPES),
  },
} as const satisfies {
  scheduleToCloseTimeout: Seconds;
  retry: RetryPolicy & { initialInterval: Seconds; maximumInterval: Seconds };
};

interface WorkflowRoute<Req extends DescMessage, Res extends DescMessage> {
  /** The workflow type name clients start (the exported function's name). */
  readonly type: string;
  /** The worker that runs the workflow itself. */
  readonly worker: WorkerLanguage;
  /** The queue of that worker, resolved from the environment at each access. */
  readonly taskQueue: string;
  readonly request: Req;
  readonly response: Res;
  /** Workflow IDs are `{idPrefix}-{business key}-{epochMs}` (ARCHITECTURE §5). */
  readonly idPrefix: string;
}

function route<Req extends DescMessage, Res extends DescMessage>(
  type: string,
  worker: WorkerLanguage,
  request: Req,
  response: Res,
): WorkflowRoute<Req, Res> {
  return {
    type,
    worker,
    get taskQueue() {
      return TASK_QUEUES[worker];
    },
    request,
    response,
    idPrefix: type,
  };
}

/** Every workflow the TypeScript worker registers, keyed for code (`WORKFLOWS.demoMixed`). */
export const WORKFLOWS = {
  demoMixed: route(
    'WorkflowDemoMixed',
    'typescript',
    WorkflowDemoMixedRequestSchema,
    WorkflowDemoMixedResponseSchema,
  ),
  demoTypeScript: route(
    'WorkflowDemoTypeScript',
    'typescript',
    WorkflowDemoTypeScriptRequestSchema,
    WorkflowDemoTypeScriptResponseSchema,
  ),
  demoPython: route(
    'WorkflowDemoPython',
    'typescript',
    WorkflowDemoPythonRequestSchema,
    WorkflowDemoPythonResponseSchema,
  ),
  summarizePatientContext: route(
    'SummarizePatientContextWorkflow',
    'typescript',
    SummarizePatientContextWorkflowRequestSchema,
    SummarizePatientContextWorkflowResponseSchema,
  ),
  /** The reminder: a durable multi-day timer with a `snooze` signal and a `status` query. */
  longTimer: route(
    'LongTimerWorkflow',
    'typescript',
    LongTimerWorkflowRequestSchema,
    LongTimerWorkflowResponseSchema,
  ),
} as const;

export type WorkflowKey = keyof typeof WORKFLOWS;

/** `{Workflow}-{key}-{epochMs}`: a business key plus the start instant, unique per start. */
export function workflowId(workflow: WorkflowKey, businessKey: string, epochMs: number): string {
  return `${WORKFLOWS[workflow].idPrefix}-${businessKey}-${epochMs}`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
