import { isRunning, type ServiceState } from '../engine/service-state.js';
import type { ControlAction, ServiceFailure, ServiceResult } from './protocol.js';

/**
 * Pure: one service's result once its action was applied, or undefined while it is still on its
 * way (pending, starting, stopping). `before` is the service as the request found it, `now` as it
 * is after the action; restart and start succeed once the service is ready again (or, for a
 * one-shot task, completed), and fail as soon as it crashes, cannot run, or is stopped.
 */
export function settledResult(
  action: ControlAction,
  before: ServiceState,
  now: ServiceState,
  shuttingDown: boolean,
): ServiceResult | undefined {
  if (action === 'stop') {
    if (before.phase === 'unavailable')
      return success(now, `was not running (unavailable: ${before.reason ?? 'no reason given'})`);
    return success(
      now,
      isRunning(before.phase)
        ? 'stopped; stays down until started'
        : `was not running (${before.phase}); stays down until started`,
    );
  }
  if (shuttingDown) return failure('shutting-down', now, 'devenv is stopping the whole stack');
  switch (now.phase) {
    case 'completed':
      return success(now, `${action === 'restart' ? 'restarted' : 'started'}: completed`);
    case 'healthy':
    case 'unhealthy':
      if (now.readyAt === undefined) return undefined;
      if (action === 'start' && isRunning(before.phase))
        return success(now, `already running${pidNote(now)}`);
      return success(
        now,
        `${action === 'restart' ? 'restarted' : 'started'}: ready${pidNote(now)}, restarts ${now.restarts}`,
      );
    case 'crashed':
      return failure(
        'crashed',
        now,
        `crashed: ${now.reason ?? 'it exited'}${now.nextStartAt !== undefined ? ' (devenv restarts it after a backoff)' : ''}`,
      );
    case 'unavailable':
      return failure('unavailable', now, `unavailable: ${now.reason ?? 'no reason given'}`);
    case 'blocked':
      return failure('blocked', now, `blocked: ${now.reason ?? 'a dependency cannot run'}`);
    case 'stopped':
      return failure('stopped', now, 'stopped before it was ready');
    case 'pending':
    case 'starting':
    case 'stopping':
      return undefined;
  }
}

/** Pure: the result of a service that did not settle within the request's time. */
export function timedOutResult(now: ServiceState, timeoutMs: number): ServiceResult {
  const probe = now.lastProbe && !now.lastProbe.ok ? ` (${now.lastProbe.detail})` : '';
  return failure(
    'timeout',
    now,
    `not ready after ${Math.round(timeoutMs / 100) / 10} s: still ${now.phase}${probe}`,
  );
}

/** Pure: the answer to an action that was asked not to wait for its services to settle. */
export function requestedResult(
  action: ControlAction,
  before: ServiceState,
  now: ServiceState,
  shuttingDown: boolean,
): ServiceResult {
  const settled = settledResult(action, before, now, shuttingDown);
  if (settled && (!settled.ok || action === 'stop')) return settled;
  if (action === 'start' && isRunning(before.phase))
    return success(now, `already running${pidNote(now)}`);
  return success(now, `${action} requested (now ${now.phase})`);
}

function pidNote(s: ServiceState): string {
  return s.pid === undefined ? '' : ` (pid ${s.pid})`;
}

function fields(s: ServiceState) {
  return { phase: s.phase, pid: s.pid ?? null, restarts: s.restarts };
}

function success(s: ServiceState, message: string): ServiceResult {
  return { ok: true, ...fields(s), message };
}

function failure(reason: ServiceFailure, s: ServiceState, message: string): ServiceResult {
  return { ok: false, reason, ...fields(s), message };
}
