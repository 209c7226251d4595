// Named defaults: the schema is the one place they are decided.

/**
 * Docker's healthcheck defaults: what the Engine applies to a timing that neither the file nor
 * the image's HEALTHCHECK sets. The model leaves such a timing unset (Healthcheck), as Compose does.
 */
export const HEALTHCHECK_DEFAULTS = {
  intervalMs: 30_000,
  timeoutMs: 30_000,
  retries: 3,
  startPeriodMs: 0,
  startIntervalMs: 5_000,
} as const;

/** Compose's default `stop_grace_period`. */
export const DEFAULT_STOP_GRACE_PERIOD_MS = 10_000;

/**
 * x-devenv probe timing. Shorter than Compose's healthcheck defaults on purpose: in a dev loop a
 * second-level period makes "ready" show up as soon as it is true, and a minute is long enough
 * for Temporal's dev server or a cold Postgres to come up.
 */
/**
 * Probe timing for services that say nothing. While a service starts, devenv probes far more
 * often (from 50 ms, see the supervisor), so the period only sets how soon a hung, still-running
 * service is noticed; an exit is noticed at once without any probe.
 */
export const PROBE_DEFAULTS = {
  periodMs: 5_000,
  timeoutMs: 2_000,
  failureThreshold: 3,
  startTimeoutMs: 60_000,
} as const;

export const DEFAULT_GROUP = 'app';
export const DEFAULT_PROBE_HOST = '127.0.0.1';
export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';
export const DEFAULT_TEMPORAL_NAMESPACE = 'default';

export const PROBE_SETTING_KEYS = [
  'period',
  'timeout',
  'failure_threshold',
  'start_timeout',
  'restart_unhealthy',
] as const;

export const DEPENDENCY_CONDITIONS = [
  'service_started',
  'service_healthy',
  'service_completed_successfully',
] as const;
export const WATCH_ACTIONS = ['sync', 'rebuild', 'sync+restart', 'restart', 'sync+exec'] as const;

/** Marks a custom issue that belongs on the key rather than on its value. */
export interface IssueParams {
  readonly at?: 'key';
  readonly hint?: string;
}
