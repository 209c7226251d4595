// S2 of issue #21, the probes' part: devenv supervising 5 idle services, each probed every 5 s,
// by exec (`true`), by tcp, and with no probe; CPU of devenv's process and of every process under
// it (the warm spawner that forks exec probes, exec-spawner.ts), each including the processes it
// reaped (what an exec probe costs is mostly its fork and exec), over a window.
// Targets: exec ≤ 0.15 % of one core, tcp ≤ 0.1 %. A shorter period measures the same cost per
// probe with more signal on a noisy machine: the figures are also given scaled to a 5 s period.
// Run: npx tsx bench/probe-cost.ts [window seconds] [period seconds]
// Another build of devenv (e.g. a checkout of an older commit): DEVENV_BIN=<its devenv/bin/devenv.js>
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../devenv/src/process/free-port.js';
import { readProcStatSync } from '../devenv/src/runtime/proc-stat.js';
import { DEVENV, waitExit } from './devenv-run.js';

const windowSeconds = Number(process.argv[2] ?? 60);
const periodSeconds = Number(process.argv[3] ?? 5);
const SERVICES = 5;
const LISTENER = `require('node:net').createServer((s) => s.end()).listen(Number(process.argv[1]), '127.0.0.1');`;

type Kind = 'exec' | 'tcp' | 'none';

/** Every process under devenv (its warm probe spawner, the services), devenv's included. */
function tree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const stat = /^\d+$/.test(entry) ? readProcStatSync(Number(entry)) : undefined;
    if (stat !== undefined) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat.pid]);
  }
  const pids = [root];
  for (let i = 0; i < pids.length; i++) pids.push(...(children.get(pids[i]!) ?? []));
  return pids;
}

interface Ticks {
  /** In ticks too, but from the nanoseconds of /proc/<pid>/schedstat where the kernel has it. */
  readonly own: number;
  readonly reaped: number;
  /** The warm spawner (exec-spawner-script.ts). */
  readonly spawner: boolean;
}

/**
 * A process's own CPU time in ticks, to the nanosecond: a window of a few dozen ticks would
 * otherwise be off by one or two for each process (only the reaped children's time is in
 * whole ticks, and only for the spawner and devenv).
 */
function ownTicks(pid: number, utime: number, stime: number): number {
  try {
    const ns = Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
    return Number.isFinite(ns) ? ns / 1e7 : utime + stime;
  } catch {
    return utime + stime;
  }
}

/**
 * The CPU ticks of devenv and of every process under it, each with the children it reaped (an
 * exec probe is reaped by devenv, or by the warm spawner that ran it), by pid.
 */
function ticks(root: number): Map<number, Ticks> {
  const byPid = new Map<number, Ticks>();
  for (const pid of tree(root)) {
    const stat = readProcStatSync(pid);
    if (stat !== undefined)
      byPid.set(pid, {
        own: ownTicks(pid, stat.utime, stat.stime),
        reaped: stat.cutime + stat.cstime,
        spawner: /^(python|perl)/.test(stat.comm),
      });
  }
  if (!byPid.has(root)) throw new Error(`devenv (${root}) is gone`);
  return byPid;
}

/**
 * What the processes alive at both ends of the window used in it (a probe running at either end
 * is counted in its reaper's figure).
 */
function used(
  before: Map<number, Ticks>,
  after: Map<number, Ticks>,
): { own: number; reaped: number; spawner: number } {
  let own = 0;
  let reaped = 0;
  let spawner = 0;
  for (const [pid, end] of after) {
    const start = before.get(pid);
    if (start === undefined) continue;
    own += end.own - start.own;
    if (end.spawner) spawner += end.own - start.own;
    reaped += end.reaped - start.reaped;
  }
  return { own, reaped, spawner };
}

interface Usage {
  /** % of one core, devenv and its reaped probes. */
  readonly total: number;
  /** Of which the probe processes themselves. */
  readonly reaped: number;
  /** Of which the warm spawner that forks them. */
  readonly spawner: number;
}

async function portAnswers(port: number): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${port}/`).catch((error: unknown) => error);
  // The listener closes at once: any answer but a refused connection means it listens.
  return !(response instanceof Error && /ECONNREFUSED/.test(String(response.cause)));
}

/** The share of one core that devenv (and its reaped probes) used over the window. */
async function measure(kind: Kind): Promise<Usage> {
  const dir = await mkdtemp(join(tmpdir(), 'devenv-bench-probe-cost-'));
  const ports = await Promise.all(Array.from({ length: SERVICES }, () => freePort()));
  const check = (port: number) =>
    kind === 'exec' ? 'exec: ["true"]' : kind === 'tcp' ? `tcp: ${port}` : '';
  const services = ports.map((port, i) =>
    [
      `  s${i}:`,
      `    image: bench/s${i}:1`,
      '    x-devenv:',
      `      native: { command: ${JSON.stringify([process.execPath, '-e', LISTENER, String(port)])} }`,
      kind === 'none' ? '' : `      probe: { period: ${periodSeconds}s, ${check(port)} }`,
    ]
      .filter(Boolean)
      .join('\n'),
  );
  await writeFile(
    join(dir, 'compose.yaml'),
    `name: probecost\nservices:\n${services.join('\n')}\n`,
  );
  const devenv = spawn(
    process.env['DEVENV_BIN'] ?? DEVENV,
    ['up', '--no-logs', '--no-watch', '-f', join(dir, 'compose.yaml')],
    {
      cwd: dir,
      stdio: 'ignore',
    },
  );
  try {
    for (const port of ports)
      while (!(await portAnswers(port))) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 5_000)); // past start-up and the starting cadence
    const before = ticks(devenv.pid!);
    const started = performance.now();
    await new Promise((r) => setTimeout(r, windowSeconds * 1000));
    const window = used(before, ticks(devenv.pid!));
    const seconds = (performance.now() - started) / 1000;
    // Ticks are 1/100 s: ticks per second are % of one core.
    const reaped = window.reaped / seconds;
    return { total: window.own / seconds + reaped, reaped, spawner: window.spawner / seconds };
  } finally {
    devenv.kill('SIGINT');
    await waitExit(devenv);
    await rm(dir, { recursive: true, force: true });
  }
}

const none = await measure('none');
const tcp = await measure('tcp');
const exec = await measure('exec');
const probesPerSecond = SERVICES / periodSeconds;
const at5s = (percent: number) =>
  none.total + ((percent - none.total) * (SERVICES / 5)) / probesPerSecond;
const perProbe = (percent: number) => `${((percent * 10) / probesPerSecond).toFixed(2)} ms`;
const f = (percent: number) => `${percent.toFixed(3)} %`;
console.log(`${SERVICES} services, probe period ${periodSeconds} s, ${windowSeconds} s windows`);
console.log(`no probe: ${f(none.total)} of one core`);
console.log(`tcp:  ${f(tcp.total)}  (at a 5 s period: ${f(at5s(tcp.total))}, target ≤ 0.1 %)`);
console.log(`exec: ${f(exec.total)}  (at a 5 s period: ${f(at5s(exec.total))}, target ≤ 0.15 %)`);
console.log(
  `  CPU per exec probe: ${perProbe(exec.total - none.total)}, of which the probe process ` +
    `${perProbe(exec.reaped)}, the spawner ${perProbe(exec.spawner)} and devenv ` +
    `${perProbe(exec.total - exec.reaped - exec.spawner - none.total)}`,
);
