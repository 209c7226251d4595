/**
 * The stack heals itself: the default stack (`devenv up`, native: Postgres, Temporal, both
 * workers, the dispatcher) under a steady stream of workflow starts through the dispatcher, while
 * each service is SIGKILLed in turn (its whole process group, as an OOM kill or a native crash
 * would). A client that retries on 503 or a refused connection, with one Idempotency-Key per
 * start, must get every start acknowledged, and every acknowledged workflow must complete — with
 * no manual step: restart policies bring each service back, and activity attempts lost with a
 * worker are retried within seconds (startToCloseTimeout). Without either, it fails.
 *
 * Loopback only, bounded: ~8 starts a second for about a minute, each retried for at most 90 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { devenvPs, devenvPsAsync } from '../../test/devenv-process.js';
import { startProjectStack } from '../../test/stack-lock.js';
import { waitUntil } from '../../test/wait-until.js';
import { steadyStarts } from '../../test/workflow-client.js';
import { workflowOutcomes } from '../../test/workflow-outcomes.js';
import { PROJECT_ROOT } from '../project-root.js';

const DISPATCHER = 'http://127.0.0.1:7070';
const KILLED_IN_TURN = ['worker-typescript', 'postgres', 'worker-python', 'dispatcher', 'temporal'];

let stack: Awaited<ReturnType<typeof startProjectStack>> | undefined;

beforeAll(async () => {
  // Each greeting takes half a second, so every worker kill loses activity attempts in flight:
  // their workflows complete only if the attempt is retried on the next worker within seconds.
  stack = await startProjectStack(['up', '--no-watch', '--no-logs'], {
    env: { ...process.env, DEMO_ACTIVITY_DELAY_MS: '500' },
  });
  await waitUntil(
    'every service of the default stack healthy',
    240_000,
    () => {
      if (stack!.devenv.child.exitCode !== null)
        throw new Error(`devenv exited:\n${stack!.devenv.output()}`);
      const services = Object.values(devenvPs(PROJECT_ROOT));
      return services.length > 0 && services.every((s) => s.phase === 'healthy') ? true : undefined;
    },
    { intervalMs: 500 },
  );
}, 300_000);

afterAll(async () => {
  const exit = await stack?.stop();
  expect(exit?.code).toBe(0);
}, 120_000);

describe('the default stack under SIGKILLs', () => {
  it('acknowledges every start to a retrying client and completes every acknowledged workflow', async () => {
    const client = steadyStarts({ dispatcher: DISPATCHER, perSecond: 8, maxStarts: 1_200 });
    const recoveries: string[] = [];
    await sleep(3_000);
    for (const name of KILLED_IN_TURN) {
      // ps without blocking: the client's timer must keep its pace.
      const before = (await devenvPsAsync(PROJECT_ROOT))[name]!;
      expect(before.pid, `${name} has a pid`).toBeGreaterThan(0);
      process.kill(-before.pid!, 'SIGKILL');
      const killedAt = Date.now();
      const back = await waitUntil(
        `${name} healthy again after SIGKILL`,
        90_000,
        async () => {
          const now = (await devenvPsAsync(PROJECT_ROOT))[name];
          return now?.phase === 'healthy' && now.pid !== before.pid ? now : undefined;
        },
        { intervalMs: 200 },
      );
      expect(back.restarts).toBe(before.restarts + 1);
      recoveries.push(`${name} ${((Date.now() - killedAt) / 1000).toFixed(1)} s`);
      // Let the stream flow through the whole stack again before the next kill.
      await sleep(4_000);
    }
    const log = await client.stop();
    const outcomes = await workflowOutcomes(log.acknowledged, {
      address: '127.0.0.1:7233',
      namespace: 'time-cop',
      timeoutMs: 120_000,
    });
    process.stderr.write(
      `self-healing: ${log.acknowledged.length} starts acknowledged, ${log.retries} retries, ` +
        `${log.lost.length} lost, ${log.rejected.length} rejected; back healthy: ${recoveries.join(', ')}; ` +
        `outcomes ${JSON.stringify(outcomes.byStatus)}\n`,
    );
    expect(log.rejected).toEqual([]);
    expect(log.lost).toEqual([]);
    expect(log.acknowledged.length).toBeGreaterThan(200);
    expect(outcomes.notCompleted).toEqual([]);
    const final = devenvPs(PROJECT_ROOT);
    for (const name of KILLED_IN_TURN) expect(final[name]?.phase, name).toBe('healthy');
  }, 600_000);
});
