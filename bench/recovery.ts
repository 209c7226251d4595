// Recovery from a crash, per service of the default stack: SIGKILL of the service's process group
// → the service is ready again (devenv's own clock), beside the service's own cold start measured
// in the same run (`devenv stop X`, then `devenv start X`: spawn → ready, the rest of the stack
// up). Also printed: → the next start acknowledged, and → the first workflow started after the
// kill completes end to end (both workers), with one workflow started every 125 ms, each retried
// on 503 or a refused connection. Target: each recovery ≤ 1.5× that service's cold start.
// Run: npx tsx bench/recovery.ts [rounds]   (takes /tmp/devenv-stack.lock; stop `npm run dev` first)
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { devenvPs } from '../devenv/test/devenv-process.js';
import { startProjectStack } from '../devenv/test/stack-lock.js';
import { sessionAuth } from '../devenv/test/stack-smoke.js';
import { waitUntil } from '../devenv/test/wait-until.js';
import { DEVENV, median, ROOT } from './devenv-run.js';

const rounds = Number(process.argv[2] ?? 5);
const SERVICES = ['postgres', 'temporal', 'worker-typescript', 'worker-python', 'dispatcher'];
const DISPATCHER = 'http://127.0.0.1:7070';

const ps = () => devenvPs(ROOT);
const devenv = (...args: string[]) => execFileSync(DEVENV, args, { cwd: ROOT, encoding: 'utf8' });

/**
 * Starts WorkflowDemoMixed (retrying until acknowledged) and resolves once it completed, with
 * when the start was acknowledged (ms since the epoch).
 */
async function workflowThrough(deadline: number): Promise<number> {
  const key = crypto.randomUUID();
  let id: string | undefined;
  let ackedAt = 0;
  while (!id) {
    if (Date.now() > deadline) throw new Error('no start acknowledged in time');
    const response = await fetch(`${DISPATCHER}/typescript/demo-mixed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key, ...sessionAuth() },
      body: JSON.stringify({ name: 'recovery' }),
      signal: AbortSignal.timeout(5_000),
    }).catch(() => undefined); // refused or reset while the dispatcher is down: retry
    if (response?.ok) {
      id = ((await response.json()) as { workflow_id: string }).workflow_id;
      ackedAt = Date.now();
    } else if (response && response.status < 500)
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
    if (status === 'COMPLETED') return ackedAt;
    if (status !== undefined && status !== 'RUNNING')
      throw new Error(`workflow ${id} ended ${status}`);
    await sleep(50);
  }
}

interface Recovery {
  /** SIGKILL → the service's probe passes again (devenv's clock). */
  readonly healthy: number;
  /** SIGKILL → the first start acknowledged after it. */
  readonly started: number;
  /** SIGKILL → the first workflow started after it completes end to end. */
  readonly completed: number;
}

/** SIGKILLs the service's process group while one workflow is started every 125 ms. */
async function recovery(service: string): Promise<Recovery> {
  const before = ps()[service]!;
  process.kill(-before.pid!, 'SIGKILL');
  const killedAt = Date.now();
  const deadline = killedAt + 120_000;
  let firstAck = Infinity;
  const completedAt = await new Promise<number>((resolve, reject) => {
    let done = false;
    const timer = setInterval(() => {
      if (done) return;
      workflowThrough(deadline).then(
        (ackedAt) => {
          firstAck = Math.min(firstAck, ackedAt);
          if (!done) resolve(Date.now());
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
  const back = await waitUntil(`${service} healthy again`, 120_000, () => {
    const now = ps()[service];
    return now?.phase === 'healthy' && now.pid !== before.pid ? now : undefined;
  });
  return {
    healthy: back.readyAt! - killedAt,
    started: firstAck - killedAt,
    completed: completedAt - killedAt,
  };
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
  const recovered: Record<string, Recovery[]> = Object.fromEntries(SERVICES.map((s) => [s, []]));
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
    const of = (key: keyof Recovery) => median(recovered[service]!.map((r) => r[key]));
    const ratio = of('healthy') / c;
    worst = Math.max(worst, ratio);
    const ms = (n: number) => `${n.toFixed(0).padStart(5)} ms`;
    console.log(
      `${service.padEnd(18)} cold start ${ms(c)}  SIGKILL → ready again ${ms(of('healthy'))} (ratio ${ratio.toFixed(2)}), ` +
        `→ next start acknowledged ${ms(of('started'))}, → a workflow completes ${ms(of('completed'))}  (medians of ${rounds})`,
    );
  }
  console.log(
    `ratio = ${worst.toFixed(2)} (worst service: SIGKILL → ready again ÷ its own cold start; target ≤ 1.5)`,
  );
} finally {
  await stack.stop();
}
