/**
 * The seeds' workflow base class (pattern 3) as a helper: every activity stub a workflow makes
 * comes from here, so each call has the task queue of the worker that implements it, the 300 s
 * scheduleToCloseTimeout and the explicit retry policy of routing.ts, unless a workflow says
 * otherwise in so many words.
 */
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { PythonActivities } from '../activities/python.js';
import { DEFAULT_ACTIVITY_OPTIONS, TASK_QUEUES, type WorkerLanguage } from '../routing.js';

export type ActivityOverrides = Omit<ActivityOptions, 'taskQueue'>;

export function activityOptions(
  worker: WorkerLanguage,
  overrides: ActivityOverrides = {},
): ActivityOptions {
  return {
    ...DEFAULT_ACTIVITY_OPTIONS,
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
  return proxyActivities<Activities>(activityOptions('typescript', overrides));
}

/** Activities of the Python worker, called by registered name on its task queue. */
export function pythonActivities(overrides?: ActivityOverrides) {
  return proxyActivities<PythonActivities>(activityOptions('python', overrides));
}
