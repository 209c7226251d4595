// Recovery from a crash, per service of the default stack: SIGKILL of the service's process group
// → the first workflow started after the kill completes end to end (through the dispatcher, on
// both workers), beside the service's own cold start measured in the same run (`devenv stop X`,
// then `devenv start X` → ready, with the rest of the stack up). A steady client starts one
// workflow every 125 ms throughout, retrying on 503 or a refused connection.
// Targets: each recovery ≤ 1.5× that service's cold start.
// Run: npx tsx bench/recovery.ts [rounds]   (takes /tmp/devenv-stack.lock; stop `npm run dev` first)
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { devenvPs } from '../devenv/test/devenv-process.js';
import { startProjectStack } from '../devenv/test/stack-lock.js';
import { waitUntil } from '../devenv/test/workflow-client.js';
import { DEVENV, median, ROOT } from './devenv-run.js';

const rounds = Number(process.argv[2] ?? 5);
const SERVICES = ['postgres', 'temporal', 'worker-typescript', 'worker-python', 'dispatcher'];
const DISPATCHER = 'http://127.0.0.1:7070';

const ps = () => devenvPs(ROOT);
const devenv = (...args: string[]) => execFileSync(DEVENV, args, { cwd: ROOT, encoding: 'utf8' });

/** Starts WorkflowDemoMixed (retrying until acknowledged) and resolves once it completed. */
async function workflowThrough(deadline: number): Promise<void> {
  const key = crypto.randomUUID();
  let id: string | undefined;
  while (!id) {
    if (Date.now() > deadline) throw new Error('no start acknowledged in time');
    const response = await fetch(`${DISPATCHER}/typescript/demo-mixed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ name: 'recovery' }),
      signal: AbortSignal.timeout(5_000),
    }).catch(() => undefined); // refused or reset while the dispatcher is down: retry
    if (response?.ok) id = ((await response.json()) as { workflow_id: string }).workflow_id;
    else if (response && response.status < 500)
      throw new Error(`start: ${response.status} ${await response.text()}`);
    else await sleep(50);
  }
  for (;;) {
    if (Date.now() > deadline) throw new Error(`workflow ${id} not completed in time`);
    const response = await fetch(`${DISPATCHER}/workflows/${id}/result?wait=10`, {
      signal: AbortSignal.timeout(15_000),
    }).catch(() => undefined);
    const status = response
      ? ((await response.json().catch(() => ({}))) as { status?: string }).status
      : undefined;
    if (status === 'COMPLETED') return;
    if (status !== undefined && status !== 'RUNNING')
      throw new Error(`workflow ${id} ended ${status}`);
    await sleep(50);
  }
}

/**
 * SIGKILL → the first of a stream of workflows, one started every 125 ms from the kill on,
 * that completes: how long the stack took to serve end to end again.
 */
async function recovery(service: string): Promise<number> {
  const before = ps()[service]!;
  process.kill(-before.pid!, 'SIGKILL');
  const killedAt = performance.now();
  const deadline = Date.now() + 120_000;
  const firstDone = await new Promise<number>((resolve, reject) => {
    let done = false;
    const timer = setInterval(() => {
      if (done) return;
      workflowThrough(deadline).then(
        () => {
          if (!done) resolve(performance.now() - killedAt);
          done = true;
          clearInterval(timer);
        },
        (error: unknown) => {
          done = true;
          clearInterval(timer);
          reject(error as Error);
        },
      );
    }, 125);
  });
  await waitUntil(`${service} healthy again`, 120_000, () =>
    ps()[service]?.phase === 'healthy' && ps()[service]?.pid !== before.pid ? true : undefined,
  );
  return firstDone;
}

/** `devenv stop X`, then `devenv start X` → ready, from the supervisor's own clock. */
function coldStart(service: string): number {
  devenv('stop', service);
  devenv('start', service);
  const s = ps()[service]!;
  return s.readyAt! - s.startedAt!;
}

const stack = await startProjectStack(['up', '--no-watch', '--no-logs']);
try {
  await waitUntil('the default stack healthy', 300_000, () => {
    const all = Object.values(ps());
    return all.length > 0 && all.every((s) => s.phase === 'healthy') ? true : undefined;
  });
  await workflowThrough(Date.now() + 60_000); // warm: first workflow, bundles loaded
  const cold: Record<string, number[]> = Object.fromEntries(SERVICES.map((s) => [s, []]));
  const recovered: Record<string, number[]> = Object.fromEntries(SERVICES.map((s) => [s, []]));
  for (let round = 0; round < rounds; round++) {
    for (const service of SERVICES) {
      cold[service]!.push(coldStart(service));
      // Past the crash streak's window: each kill is a first crash after a stable run.
      await sleep(11_000);
      await workflowThrough(Date.now() + 60_000);
      recovered[service]!.push(await recovery(service));
      await sleep(11_000);
    }
  }
  let worst = 0;
  for (const service of SERVICES) {
    const c = median(cold[service]!);
    const r = median(recovered[service]!);
    worst = Math.max(worst, r / c);
    console.log(
      `${service.padEnd(18)} cold start ${c.toFixed(0).padStart(5)} ms   SIGKILL → a workflow completes ${r.toFixed(0).padStart(5)} ms   ratio = ${(r / c).toFixed(2)} (median of ${rounds})`,
    );
  }
  console.log(
    `ratio = ${worst.toFixed(2)} (worst service: recovery ÷ its cold start; target ≤ 1.5)`,
  );
} finally {
  await stack.stop();
}
