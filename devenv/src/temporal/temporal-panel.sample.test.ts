import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSample, type RunningSample } from '../../test/temporal-sample/start-sample.js';
import { waitUntil } from '../../test/wait-until.js';
import { formatDiagnostic } from '../diagnostic.js';
import { loadStack } from '../model/load-stack.js';
import { PROJECT_ROOT } from '../project-root.js';
import type { TemporalOverview } from './temporal-overview.js';
import { watchStackTemporal } from './temporal-source.js';

const SAMPLE_WORKFLOWS = join(PROJECT_ROOT, 'devenv/test/temporal-sample/src/workflows.ts');

// The real devenv runs a project shaped like Temporal's hello-world sample (its queue written in
// code, no *_TASK_QUEUE variable), and the panel's source reads the stack as `devenv up` gives it
// to the TUI: the queue, its worker's pollers, a workflow whose code throws, and a restart on save.
describe('the Temporal panel of a hello-world-shaped project', () => {
  let sample: RunningSample;
  let panel: Awaited<ReturnType<typeof watchStackTemporal>>;
  let connection: Connection;
  const latest = (): TemporalOverview | undefined => panel.latest();
  const helloWorld = () => latest()?.taskQueues.find((q) => q.name === 'hello-world');

  beforeAll(async () => {
    // The sample's workflows, plus one whose code throws, as a bad change would.
    const workflows = await readFile(SAMPLE_WORKFLOWS, 'utf8');
    sample = await startSample({
      extraFiles: {
        'src/workflows.ts': `${workflows}\nexport { throwsInCode } from './failing-workflows.js';\n`,
      },
    });
    const stack = await loadStack({
      files: [join(sample.dir, 'compose.yaml')],
      cwd: sample.dir,
      env: { TEMPORAL_PORT: sample.temporalAddress.split(':')[1] ?? '' },
    });
    if (!stack.ok) throw new Error(stack.error.map(formatDiagnostic).join('\n'));
    panel = await watchStackTemporal(stack.value, { periodMs: 500, discoveryPeriodMs: 1_000 });
  }, 60_000);

  afterAll(async () => {
    panel?.close();
    await connection?.close();
    await sample?.stop();
  });

  it('lists the queue with its worker polling, and a throw in workflow code with its message', async () => {
    const polled = await waitUntil(
      'hello-world with its pollers',
      120_000,
      () => {
        const queue = helloWorld();
        return queue && queue.workflowPollers > 0 && queue.activityPollers > 0 ? queue : undefined;
      },
      { describe: () => `${JSON.stringify(latest())}\n${sample.devenv.output()}` },
    );
    expect(polled.source).toBe('declared');
    connection = await Connection.connect({ address: sample.temporalAddress });
    const client = new Client({ connection });
    await client.workflow.start('throwsInCode', {
      taskQueue: 'hello-world',
      workflowId: 'sample-throws',
    });
    const failure = await waitUntil('the workflow task failure in the panel', 30_000, () =>
      latest()?.failures.find((f) => f.workflowId === 'sample-throws'),
    );
    expect(failure).toMatchObject({
      kind: 'workflow-task',
      type: 'throwsInCode',
      taskQueue: 'hello-world',
      message: 'boom in workflow code',
    });
    expect(helloWorld()?.failuresSinceReload).toBe(1);
  }, 150_000);

  it('sees the restart after an edit as a reload', async () => {
    const before = latest()?.reloadedAt ?? 0;
    await appendFile(join(sample.dir, 'src', 'activities.ts'), '// an edit\n');
    const after = await waitUntil(
      'the reload seen',
      120_000,
      () => {
        const overview = latest();
        return overview && overview.reloadedAt > before ? overview : undefined;
      },
      { describe: () => sample.devenv.output() },
    );
    expect(after.taskQueues.find((q) => q.name === 'hello-world')?.workflowPollers).toBeGreaterThan(
      0,
    );
  }, 150_000);
});
