import { create } from '@bufbuild/protobuf';
import { timestampFromMs, type Duration } from '@bufbuild/protobuf/wkt';
import { condition, defineQuery, defineSignal, log, setHandler } from '@temporalio/workflow';
import {
  LongTimerWorkflowResponseSchema,
  type LongTimerWorkflowRequest,
  type LongTimerWorkflowResponse,
} from '../../../../protos/gen/ts/timecop/workflows/v1/long_timer_pb.js';
import { invalidRequest } from './validation.js';

/** `snooze`: push the reminder back by `byMs` milliseconds (plain JSON: signals have no proto). */
export interface SnoozeRequest {
  readonly byMs: number;
}

/** What `status` answers while the reminder waits (and after it fired). */
export interface ReminderStatus {
  readonly label: string;
  /** ISO-8601, workflow time. */
  readonly firesAt: string;
  readonly snoozes: number;
  readonly fired: boolean;
}

export const snoozeSignal = defineSignal<[SnoozeRequest]>('snooze');
/** Fires the reminder now, whatever is left of the timer. */
export const fireNowSignal = defineSignal('fireNow');
export const statusQuery = defineQuery<ReminderStatus>('status');

/**
 * The reminder: a durable timer of days, which only time skipping makes testable. Signals move
 * the deadline; the timer is re-armed for what is left (workflow time is deterministic, so a
 * replay re-arms the same timers).
 */
export async function LongTimerWorkflow(
  request: LongTimerWorkflowRequest,
): Promise<LongTimerWorkflowResponse> {
  const durationMs = request.duration ? millisOf(request.duration) : 0;
  if (durationMs <= 0) throw invalidRequest('duration must be positive');
  let firesAt = Date.now() + durationMs;
  let snoozes = 0;
  let fired = false;
  let changes = 0;

  setHandler(snoozeSignal, ({ byMs }) => {
    if (!Number.isFinite(byMs) || byMs <= 0) {
      log.warn('ignored a snooze that is not a positive number of milliseconds', { byMs });
      return;
    }
    firesAt += byMs;
    snoozes += 1;
    changes += 1;
  });
  setHandler(fireNowSignal, () => {
    firesAt = Math.min(firesAt, Date.now());
    changes += 1;
  });
  setHandler(statusQuery, () => ({
    label: request.label,
    firesAt: new Date(firesAt).toISOString(),
    snoozes,
    fired,
  }));

  for (;;) {
    const remaining = firesAt - Date.now();
    if (remaining <= 0) break;
    const seen = changes;
    await condition(() => changes !== seen, remaining);
  }
  fired = true;
  log.info('reminder fired', { label: request.label, snoozes });
  return create(LongTimerWorkflowResponseSchema, {
    label: request.label,
    firedAt: timestampFromMs(Date.now()),
  });
}

function millisOf(duration: Duration): number {
  return Number(duration.seconds) * 1000 + Math.trunc(duration.nanos / 1_000_000);
}
