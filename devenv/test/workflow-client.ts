import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PROJECT_ROOT } from '../src/project-root.js';
import { bearerHeader, sessionTokenFrom } from '../src/session/session-secret.js';

/** What a well-behaved client saw while starting workflows through the dispatcher. */
export interface StartLog {
  /** Workflow ids the dispatcher acknowledged (2xx with a workflow_id). */
  readonly acknowledged: string[];
  /** Attempts that were retried: 503, another 5xx, a refused or broken connection, a time-out. */
  retries: number;
  /** Requests given up after `giveUpMs` of retries: a start the user lost. */
  readonly lost: { readonly key: string; readonly last: string }[];
  /** Answers that are the client's fault (4xx): a bug in the test or the dispatcher. */
  readonly rejected: { readonly key: string; readonly status: number; readonly body: string }[];
  /** When each start was acknowledged (ms since the epoch), in order. */
  readonly acknowledgedAt: number[];
}

export interface SteadyStarts {
  readonly log: StartLog;
  /** Stops issuing new starts and waits for those in flight (each bounded by `giveUpMs`). */
  stop(): Promise<StartLog>;
}

/**
 * Starts `WorkflowDemoMixed` (activities on both workers) `perSecond` times a second, each with
 * its own Idempotency-Key, retrying the same request with the same key on 503, a refused or
 * reset connection or no answer within 5 s, as a well-behaved client does, for up to `giveUpMs`.
 * Loopback only; bounded by `maxStarts` as well as by `stop()`.
 */
export function steadyStarts(options: {
  readonly dispatcher: string;
  readonly perSecond: number;
  readonly maxStarts: number;
  readonly giveUpMs?: number;
  /** The running devenv's state directory, for the session token the starts need. */
  readonly stateDir?: string;
}): SteadyStarts {
  const giveUpMs = options.giveUpMs ?? 90_000;
  const auth = bearerHeader(
    sessionTokenFrom({}, options.stateDir ?? join(PROJECT_ROOT, '.devenv')),
  );
  const log: StartLog = {
    acknowledged: [],
    retries: 0,
    lost: [],
    rejected: [],
    acknowledgedAt: [],
  };
  const inFlight = new Set<Promise<void>>();
  let issued = 0;

  const startOne = async (index: number) => {
    const key = randomUUID();
    const deadline = Date.now() + giveUpMs;
    let last = '';
    let pause = 100;
    while (Date.now() < deadline) {
      try {
        const response = await fetch(`${options.dispatcher}/typescript/demo-mixed`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': key, ...auth },
          body: JSON.stringify({ name: `chaos-${index}` }),
          signal: AbortSignal.timeout(5_000),
        });
        const body = await response.text();
        if (response.ok) {
          const id = (JSON.parse(body) as { workflow_id?: string }).workflow_id;
          if (id) {
            log.acknowledged.push(id);
            log.acknowledgedAt.push(Date.now());
            return;
          }
          last = `${response.status} without a workflow_id: ${body}`;
        } else if (response.status < 500) {
          log.rejected.push({ key, status: response.status, body });
          return;
        } else {
          last = `${response.status} ${body.slice(0, 200)}`;
        }
      } catch (error) {
        last = String((error as Error).cause ?? error);
      }
      log.retries++;
      await sleep(pause);
      pause = Math.min(1_000, pause * 2);
    }
    log.lost.push({ key, last });
  };

  const timer = setInterval(() => {
    if (issued >= options.maxStarts) return;
    const task = startOne(issued++).finally(() => inFlight.delete(task));
    inFlight.add(task);
  }, 1_000 / options.perSecond);

  return {
    log,
    stop: async () => {
      clearInterval(timer);
      await Promise.all(inFlight);
      return log;
    },
  };
}
