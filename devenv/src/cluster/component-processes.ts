import { spawn } from 'node:child_process';
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeadState, readProcStat } from '../runtime/proc-stat.js';
import type { ClusterLayout } from './layout.js';
import type { ComponentName } from './render-flags.js';

/** A started component: its PID and start time together name it across PID reuse. */
export interface RecordedProcess {
  readonly name: ComponentName;
  readonly pid: number;
  readonly startTicks: number;
}

/**
 * Starts one component detached (it outlives the process that started it: a test file starts
 * the cluster, the test run's teardown stops it), output to `logs/<name>.log`, and records it.
 */
export async function startComponent(
  layout: ClusterLayout,
  name: ComponentName,
  executable: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<RecordedProcess> {
  await mkdir(layout.logDir, { recursive: true });
  const log = await open(join(layout.logDir, `${name}.log`), 'a');
  try {
    const child = spawn(executable, [...args], {
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
      env,
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid!));
      child.once('error', reject);
    });
    child.unref();
    const stat = await readProcStat(pid);
    const recorded = { name, pid, startTicks: stat?.startTicks ?? 0 };
    await writeFile(
      layout.pidsFile,
      JSON.stringify([...(await recordedProcesses(layout)), recorded]),
    );
    return recorded;
  } finally {
    await log.close();
  }
}

export async function recordedProcesses(layout: ClusterLayout): Promise<RecordedProcess[]> {
  const text = await readFile(layout.pidsFile, 'utf8').catch(() => '[]');
  return JSON.parse(text) as RecordedProcess[];
}

/** Still the process that was recorded, and not yet exited. */
export async function isRunning(recorded: RecordedProcess): Promise<boolean> {
  const stat = await readProcStat(recorded.pid);
  return stat !== undefined && stat.startTicks === recorded.startTicks && !isDeadState(stat.state);
}

/**
 * SIGTERM, then SIGKILL when it has not ended within `graceMs` (kube-apiserver may ignore SIGTERM
 * once etcd is gone); waits for its end either way. Never signals a PID that now names another
 * process.
 */
export async function stopProcess(
  recorded: RecordedProcess,
  graceMs: number,
): Promise<'stopped' | 'killed' | 'gone'> {
  if (!(await isRunning(recorded))) return 'gone';
  signal(recorded.pid, 'SIGTERM');
  if (await endsWithin(recorded, graceMs)) return 'stopped';
  signal(recorded.pid, 'SIGKILL');
  await endsWithin(recorded, 10_000);
  return 'killed';
}

async function endsWithin(recorded: RecordedProcess, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!(await isRunning(recorded))) return true;
    await sleep(50);
  }
  return !(await isRunning(recorded));
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Ended in between.
  }
}
