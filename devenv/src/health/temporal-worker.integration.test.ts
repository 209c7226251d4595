import { Client, Connection } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSample, type RunningSample } from '../../test/temporal-sample/start-sample.js';
import { waitUntil } from '../../test/wait-until.js';
import { describePollers } from './temporal-pollers.js';

// The real devenv runs a project shaped like Temporal's hello-world sample (a real Temporal dev
// server, a real worker with its task queue in code) and judges the worker by its pollers.
describe('temporal_worker probe on a hello-world-shaped project', () => {
  let sample: RunningSample;
  const identities = async () => {
    const target = {
      address: sample.temporalAddress,
      namespace: 'default',
      taskQueue: 'hello-world',
    };
    const reply = await describePollers(target, 'workflow', 2_000);
    if (!reply.ok) throw new Error(reply.error);
    return reply.pollers.map((poller) => poller.identity);
  };
  const worker = () => sample.ps()['worker'];
  const healthyWorker = () =>
    waitUntil(
      'the worker healthy',
      120_000,
      () => (worker()?.phase === 'healthy' ? worker() : undefined),
      { describe: () => sample.devenv.output() },
    );

  let connection: Connection | undefined;
  const execute = async (workflow: string, name: string) => {
    connection ??= await Connection.connect({ address: sample.temporalAddress });
    return new Client({ connection }).workflow.execute(workflow, {
      taskQueue: 'hello-world',
      workflowId: randomUUID(),
      args: [name],
    });
  };

  beforeAll(async () => {
    // A workflow of another file, as a project grows: the fixture exports it from workflows.ts.
    sample = await startSample({
      extraWorkflows: {
        farewell: 'export async function farewell(name: string) {\n  return `Bye, ${name}!`;\n}\n',
      },
    });
  });
  afterAll(async () => {
    await connection?.close();
    await sample.stop();
  });

  it('is starting while the worker bundles its workflows, healthy once it polls', async () => {
    const phases = new Set<string>();
    const ready = await waitUntil(
      'the worker healthy',
      120_000,
      () => {
        const state = worker();
        if (state) phases.add(state.phase);
        return state?.phase === 'healthy' ? state : undefined;
      },
      { describe: () => sample.devenv.output() },
    );
    expect(phases).toContain('starting');
    expect(await identities()).toContain(`${ready.pid}@${hostname()}`);
    expect(ready.lastProbe?.detail).toBe(
      `workflow and activity pollers on hello-world (${ready.pid}@${hostname()})`,
    );
    expect(await execute('example', 'Temporal')).toBe('Hello, Temporal!');
    expect(await execute('farewell', 'Temporal')).toBe('Bye, Temporal!');
  }, 150_000);

  it("after an edit, is ready only once the new worker polls, not on the old one's record", async () => {
    const before = await healthyWorker();
    const activities = join(sample.dir, 'src', 'activities.ts');
    await writeFile(activities, (await readFile(activities, 'utf8')).replace('Hello', 'Hi'));
    const line = await sample.devenv.waitFor(
      /worker ready [\d.]+ s after the save \(.*\)/,
      120_000,
    );
    const after = worker()!;
    expect(after.pid).not.toBe(before.pid);
    expect(after.restarts).toBe(before.restarts + 1);
    expect(line).toContain(`(${after.pid}@${hostname()})`);
    // Temporal still lists the stopped worker's poller: readiness did not take it for the new one.
    expect(await identities()).toEqual(
      expect.arrayContaining([`${before.pid}@${hostname()}`, `${after.pid}@${hostname()}`]),
    );
    expect(await execute('example', 'Temporal')).toBe('Hi, Temporal!');
  }, 150_000);

  it('turns unhealthy when the worker stops polling (its process frozen)', async () => {
    const frozen = await healthyWorker();
    process.kill(-frozen.pid!, 'SIGSTOP');
    try {
      await sample.devenv.waitFor(
        /worker\s+unhealthy[^\n]*no workflow poller of this run/,
        240_000,
      );
    } finally {
      process.kill(-frozen.pid!, 'SIGCONT');
    }
  }, 260_000);
});

describe('temporal_worker probe when the poller is not the process devenv started', () => {
  it("counts a child's pollers in the service's process group (a wrapper, as npx ts-node is)", async () => {
    const sample = await startSample({
      workerCommand: ['sh', '-c', 'node --import tsx/esm src/worker.ts; exit $?'],
    });
    try {
      const ready = await waitUntil(
        'the wrapped worker healthy',
        120_000,
        () => (sample.ps()['worker']?.phase === 'healthy' ? sample.ps()['worker'] : undefined),
        { describe: () => sample.devenv.output() },
      );
      const poller = Number(/\((\d+)@/.exec(ready.lastProbe?.detail ?? '')?.[1]);
      expect(poller).not.toBe(ready.pid);
      // The poller is the shell's child: `pid (comm) state ppid …`.
      const stat = await readFile(`/proc/${poller}/stat`, 'utf8');
      expect(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])).toBe(ready.pid);
    } finally {
      await sample.stop();
    }
  }, 150_000);
});
