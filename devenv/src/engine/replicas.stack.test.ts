/**
 * Replicas on real processes: `devenv up worker-typescript --scale worker-typescript=3` on a copy
 * of this project (real Postgres, Temporal and three TypeScript workers, natively).
 * - The three poll one task queue: Temporal's DescribeTaskQueue lists a poller of each pid.
 * - An activity edit is swapped into every replica (each one's own health port says so).
 * - One replica SIGKILLed: only it restarts.
 * - `devenv scale worker-typescript=1` stops the other two; the first keeps its process; `=2`
 *   starts a second one again, on its own port, ready and polling.
 * A copy, not the working tree: the test edits sources, and other tests read them.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devenvPs } from '../../test/devenv-process.js';
import { copyProject, devenvIn } from '../../test/project-copy.js';
import { startProjectStack } from '../../test/stack-lock.js';
import { waitUntil } from '../../test/wait-until.js';
import { describePollers } from '../health/temporal-pollers.js';

const REPLICAS = ['worker-typescript-1', 'worker-typescript-2', 'worker-typescript-3'];
/** Each replica's health port: the i-th of the shipped file's range 7081-7085. */
const HEALTH_PORT: Readonly<Record<string, number>> = {
  'worker-typescript-1': 7081,
  'worker-typescript-2': 7082,
  'worker-typescript-3': 7083,
};
const SAY_HELLO = join('workers', 'typescript', 'src', 'activities', 'say-hello.ts');

let dir: string;
let stack: Awaited<ReturnType<typeof startProjectStack>> | undefined;
const ps = () => devenvPs(dir, [], devenvIn(dir));
const describeRun = () =>
  `ps: ${JSON.stringify(ps())}\ndevenv printed:\n${stack?.devenv.output().slice(-3000)}`;

/** The activity code generation a replica's /readyz reports. */
async function activityGeneration(replica: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${HEALTH_PORT[replica]}/readyz`, {
    signal: AbortSignal.timeout(3000),
  });
  const body = (await response.json()) as { activities: { generation: number } };
  return body.activities.generation;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'devenv-replicas-'));
  await copyProject(dir);
  stack = await startProjectStack(
    ['up', 'worker-typescript', '--scale', 'worker-typescript=3', '--no-logs'],
    { cwd: dir, bin: devenvIn(dir) },
  );
  await waitUntil(
    'three replicas of worker-typescript healthy',
    300_000,
    () => {
      if (stack!.devenv.child.exitCode !== null) throw new Error(describeRun());
      const s = ps();
      return REPLICAS.every((n) => s[n]?.phase === 'healthy') ? s : undefined;
    },
    { intervalMs: 500, describe: describeRun },
  );
}, 600_000);

afterAll(async () => {
  const exit = await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  expect(exit?.code).toBe(0);
}, 120_000);

describe('three replicas of the TypeScript worker', () => {
  it('are three pollers of the one task queue, and share no name', async () => {
    const services = ps();
    expect(Object.keys(services)).not.toContain('worker-typescript');
    const pids = REPLICAS.map((name) => services[name]!.pid!);
    expect(new Set(pids).size).toBe(3);
    const polling = await waitUntil(
      'a poller of each replica on time-cop-typescript',
      60_000,
      async () => {
        const reply = await describePollers(
          { address: '127.0.0.1:7233', namespace: 'time-cop', taskQueue: 'time-cop-typescript' },
          'activity',
          5000,
        );
        if (!reply.ok) throw new Error(reply.error);
        // The SDK's identity is `<pid>@<hostname>`.
        const seen = new Set(reply.pollers.map((p) => Number(p.identity.split('@')[0])));
        return pids.every((pid) => seen.has(pid)) ? seen : undefined;
      },
      { intervalMs: 1000 },
    );
    expect(polling.size).toBeGreaterThanOrEqual(3);
  }, 90_000);

  it('each take an activity edit in place: no restart, same process', async () => {
    const before = ps();
    const generations = await Promise.all(REPLICAS.map(activityGeneration));
    const file = join(dir, SAY_HELLO);
    const original = await readFile(file, 'utf8');
    await writeFile(file, original.replace('Hello from a TypeScript Worker', 'Replicated hello'));
    await waitUntil(
      'every replica on a newer activity generation',
      60_000,
      async () => {
        const now = await Promise.all(REPLICAS.map(activityGeneration));
        return now.every((g, i) => g > generations[i]!) ? now : undefined;
      },
      { intervalMs: 500, describe: describeRun },
    );
    const after = ps();
    for (const name of REPLICAS) {
      expect(after[name]?.pid, name).toBe(before[name]?.pid);
      expect(after[name]?.restarts, name).toBe(before[name]?.restarts);
    }
    expect(stack!.devenv.output()).toMatch(/worker-typescript-3 reloaded in place/);
  }, 90_000);

  it('restart on their own: a SIGKILLed replica comes back, the others are not touched', async () => {
    const before = ps();
    process.kill(-before['worker-typescript-2']!.pid!, 'SIGKILL');
    const back = await waitUntil(
      'worker-typescript-2 healthy again',
      90_000,
      () => {
        const now = ps()['worker-typescript-2'];
        return now?.phase === 'healthy' && now.pid !== before['worker-typescript-2']?.pid
          ? now
          : undefined;
      },
      { intervalMs: 250, describe: describeRun },
    );
    expect(back.restarts).toBe(before['worker-typescript-2']!.restarts + 1);
    const after = ps();
    for (const name of ['worker-typescript-1', 'worker-typescript-3']) {
      expect(after[name]?.pid, name).toBe(before[name]?.pid);
      expect(after[name]?.restarts, name).toBe(before[name]?.restarts);
    }
  }, 120_000);

  it('scale down to one with devenv scale: the highest two stop, the first keeps running', async () => {
    const before = ps();
    const { stdout } = await promisify(execFile)(devenvIn(dir), ['scale', 'worker-typescript=1'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(stdout).toMatch(/worker-typescript-2\s+stopped and removed/);
    expect(stdout).toMatch(/worker-typescript-3\s+stopped and removed/);
    const after = ps();
    expect(Object.keys(after).filter((n) => n.startsWith('worker-typescript'))).toEqual([
      'worker-typescript-1',
    ]);
    expect(after['worker-typescript-1']?.pid).toBe(before['worker-typescript-1']?.pid);
    expect(after['worker-typescript-1']?.phase).toBe('healthy');
  }, 120_000);

  it('scale up again with devenv scale: a new replica, ready on its own port, polling', async () => {
    const before = ps();
    const { stdout } = await promisify(execFile)(devenvIn(dir), ['scale', 'worker-typescript=2'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(stdout).toMatch(/worker-typescript-2\s+started: ready/);
    const after = ps();
    expect(after['worker-typescript-1']?.pid).toBe(before['worker-typescript-1']?.pid);
    expect(after['worker-typescript-2']?.phase).toBe('healthy');
    expect(await activityGeneration('worker-typescript-2')).toBeGreaterThanOrEqual(0);
    const pid = after['worker-typescript-2']!.pid!;
    await waitUntil(
      'a poller of the new replica',
      60_000,
      async () => {
        const reply = await describePollers(
          { address: '127.0.0.1:7233', namespace: 'time-cop', taskQueue: 'time-cop-typescript' },
          'activity',
          5000,
        );
        return reply.ok && reply.pollers.some((p) => p.identity.startsWith(`${pid}@`))
          ? true
          : undefined;
      },
      { intervalMs: 1000 },
    );
  }, 120_000);
});
