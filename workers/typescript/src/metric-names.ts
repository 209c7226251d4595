/**
 * Histograms our interceptors record; the same names in workers/python/timecop_worker/metrics.py.
 * A module of its own because the workflow interceptor (bundled into the sandbox) imports it.
 */
export const WORKFLOW_DURATION_METRIC = 'time_cop_workflow_durations_ms';
export const ACTIVITY_DURATION_METRIC = 'time_cop_activity_durations_ms';
