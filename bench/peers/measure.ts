// What the peer bench measures, the same way for every supervisor: wall time to exit, peak RSS,
// CPU of a supervisor's process tree including the children each reaped, a loopback port that
// starts answering.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { readProcStatSync } from '../../devenv/src/runtime/proc-stat.js';

export interface Launch {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Where the supervisor's stdout and stderr go (a file: a pipe nobody drains would stall it). */
  readonly outputFile: string;
}

/** Spawned as its own process group, so that stopping it reaches whatever it started. */
export function launch({ command, args, cwd, env, outputFile }: Launch): ChildProcess {
  const out = openSync(outputFile, 'a');
  try {
    return spawn(command, [...args], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', out, out],
      detached: true,
    });
  } finally {
    closeSync(out);
  }
}

export function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** Runs to exit; the wall time and the peak RSS of the supervisor process itself. */
export async function runToExit(spec: Launch): Promise<{ ms: number; peakRssMb: number }> {
  const started = performance.now();
  const child = launch(spec);
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(child.pid!))), 25);
  const code = await exited(child);
  clearInterval(sampler);
  if (code !== 0) throw new Error(`${spec.command} ${spec.args.join(' ')} exited ${code}`);
  return { ms: performance.now() - started, peakRssMb: peak };
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** SIGINT to the group (as Ctrl-C does), SIGKILL to the group after `graceMs`. */
export async function stopGroup(child: ChildProcess, graceMs = 15_000): Promise<void> {
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the group is gone
    }
  };
  const done = exited(child);
  signalGroup('SIGINT');
  const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
  await done;
  clearTimeout(timer);
  signalGroup('SIGKILL'); // services that outlived their supervisor
}

/**
 * CPU ticks (1/100 s) of `root` and of every process under it, each with the children it reaped,
 * by pid: a supervisor's probes are reaped by it or by a helper of its own (devenv's warm
 * spawner), and either way they count.
 */
export function treeCpuTicks(root: number): Map<number, number> {
  const children = new Map<number, number[]>();
  const stats = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    const stat = /^\d+$/.test(entry) ? readProcStatSync(Number(entry)) : undefined;
    if (stat === undefined) continue;
    children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat.pid]);
    stats.set(stat.pid, stat.utime + stat.stime + stat.cutime + stat.cstime);
  }
  const pids = [root];
  for (let i = 0; i < pids.length; i++) pids.push(...(children.get(pids[i]!) ?? []));
  const ticks = new Map(pids.flatMap((pid) => (stats.has(pid) ? [[pid, stats.get(pid)!]] : [])));
  if (!ticks.has(root)) throw new Error(`process ${root} is gone`);
  return ticks;
}

/** What the processes alive at both ends of a window used in it (see treeCpuTicks). */
export function ticksBetween(before: Map<number, number>, after: Map<number, number>): number {
  let used = 0;
  for (const [pid, end] of after) {
    const start = before.get(pid);
    if (start !== undefined) used += end - start;
  }
  return used;
}

export function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function pollUntil(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
  everyMs = 2,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export async function bodyIs(port: number, expected: string): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/`);
    return (await response.text()) === expected;
  } catch {
    return false;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
