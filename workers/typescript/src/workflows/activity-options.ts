/**
 * The seeds' workflow base class (pattern 3) as a helper: every activity stub a workflow makes
 * comes from here, so each call has the task queue of the worker that implements it, its own
 * attempt timeout (routing.ts ACTIVITY_ATTEMPT_TIMEOUTS), the 300 s scheduleToCloseTimeout and
 * the explicit retry policy of routing.ts, unless a workflow says otherwise in so many words.
 */
import {
  proxyActivities,
  type ActivityInterfaceFor,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { PythonActivities } from '../activities/python.js';
import {
  ACTIVITY_ATTEMPT_TIMEOUTS,
  DEFAULT_ACTIVITY_OPTIONS,
  TASK_QUEUES,
  type ActivityType,
  type WorkerLanguage,
} from '../routing.js';

export type ActivityOverrides = Omit<ActivityOptions, 'taskQueue'>;

export function activityOptions(
  worker: WorkerLanguage,
  activityType: ActivityType,
  overrides: ActivityOverrides = {},
): ActivityOptions {
  return {
    ...DEFAULT_ACTIVITY_OPTIONS,
    ...ACTIVITY_ATTEMPT_TIMEOUTS[activityType],
    ...overrides,
    retry: {
      ...DEFAULT_ACTIVITY_OPTIONS.retry,
      nonRetryableErrorTypes: [...DEFAULT_ACTIVITY_OPTIONS.retry.nonRetryableErrorTypes],
      ...overrides.retry,
    },
    taskQueue: TASK_QUEUES[worker],
  };
}

/** Activities of this (TypeScript) worker, typed by their implementations. */
export function typescriptActivities(overrides?: ActivityOverrides) {
  return proxyEach<Activities>('typescript', overrides);
}

/** Activities of the Python worker, called by registered name on its task queue. */
export function pythonActivities(overrides?: ActivityOverrides) {
  return proxyEach<PythonActivities>('python', overrides);
}

const ATTEMPT_TIMED: ReadonlySet<string> = new Set(Object.keys(ACTIVITY_ATTEMPT_TIMEOUTS));

/**
 * proxyActivities gives every activity of a proxy the same options; the attempt timeouts differ
 * per activity, so each name gets a proxy of its own, made when the workflow reaches for it.
 */
function proxyEach<A>(worker: WorkerLanguage, overrides?: ActivityOverrides) {
  return new Proxy({} as ActivityInterfaceFor<A>, {
    get(_, name) {
      if (typeof name !== 'string' || !ATTEMPT_TIMED.has(name))
        throw new TypeError(
          `${String(name)} is not an activity with attempt timeouts (routing.ts ACTIVITY_ATTEMPT_TIMEOUTS)`,
        );
      const activityType = name as ActivityType;
      return proxyActivities(activityOptions(worker, activityType, overrides))[activityType];
    },
  });
}
