import { DEFAULT_TEMPORAL_ADDRESS } from '../model/schema-defaults.js';
import type { TemporalWorkerCheck } from './kinds/temporal-worker.js';
import { pollerOwners } from './poller-owner.js';
import type { ProbedRun } from './probe-kind.js';
import { failed, type ProbeOutcome } from './probe-outcome.js';
import { describePollers, type Poller, type PollerKind } from './temporal-pollers.js';
import { judgePollers } from './worker-pollers.js';

/**
 * Where the worker's Temporal is: the check's address, else the service's TEMPORAL_ADDRESS (the
 * variable the Temporal CLI and the SDKs' environment configuration read), else the default.
 */
export function workerTemporalAddress(
  check: TemporalWorkerCheck,
  service: ProbedRun | undefined,
): string {
  return check.address ?? service?.environment['TEMPORAL_ADDRESS'] ?? DEFAULT_TEMPORAL_ADDRESS;
}

/** One check: the pollers of each kind, judged by whether they belong to this run. */
export async function probeTemporalWorker(
  check: TemporalWorkerCheck,
  timeoutMs: number,
  service: ProbedRun | undefined,
): Promise<ProbeOutcome> {
  const target = {
    address: workerTemporalAddress(check, service),
    namespace: check.namespace,
    taskQueue: check.taskQueue,
  };
  const replies = await Promise.all(
    check.kinds.map((kind) => describePollers(target, kind, timeoutMs)),
  );
  const pollers: Record<PollerKind, Poller[]> = { workflow: [], activity: [] };
  for (const [index, reply] of replies.entries()) {
    if (!reply.ok) return failed(reply.error);
    pollers[check.kinds[index]!] = [...reply.pollers];
  }
  const owners = await pollerOwners(
    [...pollers.workflow, ...pollers.activity].map((poller) => poller.identity),
    service?.pid,
  );
  return judgePollers(
    check.taskQueue,
    pollers,
    check.kinds,
    {
      startedAtMs: service?.startedAt,
      ownerOf: (identity) => owners.get(identity) ?? 'unknown',
    },
    Date.now(),
  );
}
