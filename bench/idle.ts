// devenv supervising the running stack while nothing happens: CPU of devenv's own process
// (not its children) and its RSS over a window (target: ≤ 1 % of one core, ≤ 120 MB). The
// baseline in the same run is an idle Node process with one timer, the floor of any Node tool.
// Beside it, the postgres service's own cost over the same window: its whole process tree (the
// launcher and PostgreSQL's processes, or the launcher with PGlite inside), CPU including reaped
// children (the probe's backends) and memory as PSS (PostgreSQL's shared memory counted once).
// Run: npx tsx bench/idle.ts [seconds]
// With the embedded Postgres: DEVENV_POSTGRES=pglite npx tsx bench/idle.ts [seconds]
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readProcStatSync, type ProcStat } from '../devenv/src/runtime/proc-stat.js';
import { readSession } from '../devenv/src/session/session-file.js';
import { acquireStackLock } from '../devenv/test/stack-lock.js';
import { ROOT, timeUntil, waitExit } from './devenv-run.js';

const seconds = Number(process.argv[2] ?? 60);
const TICKS = 100; // USER_HZ on Linux

/** /proc/<pid>/stat; throws when the process is gone, like the reads around it. */
function statOf(pid: number): ProcStat {
  const stat = readProcStatSync(pid);
  if (stat === undefined) throw new Error(`no process ${pid}`);
  return stat;
}

function cpuTicks(pid: number): number {
  const stat = statOf(pid);
  return stat.utime + stat.stime;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** `root` and every process descended from it (PostgreSQL's children leave the group, not the tree). */
function tree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const ppid = statOf(Number(name)).ppid;
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // gone meanwhile
    }
  }
  const found = [root];
  for (let i = 0; i < found.length; i++) found.push(...(children.get(found[i]!) ?? []));
  return found;
}

/** CPU of the tree, reaped children included (a backend that exited counts in its postmaster). */
function treeTicks(root: number): number {
  return tree(root).reduce((sum, pid) => {
    try {
      const s = statOf(pid);
      return sum + s.utime + s.stime + s.cutime + s.cstime;
    } catch {
      return sum;
    }
  }, 0);
}

function treePssMb(root: number): number {
  return tree(root).reduce((sum, pid) => {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      return sum + Number(/^Pss:\s+(\d+)/m.exec(rollup)![1]) / 1024;
    } catch {
      return sum;
    }
  }, 0);
}

async function sample(
  ticks: () => number,
  memoryMb: () => number,
): Promise<{ cpu: number; mb: number }> {
  const before = ticks();
  let peak = 0;
  for (let i = 0; i < seconds; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    peak = Math.max(peak, memoryMb());
  }
  return { cpu: ((ticks() - before) / TICKS / seconds) * 100, mb: peak };
}

// The stack's fixed ports: tests and other benches take turns (a dead holder's lock is taken over).
const release = await acquireStackLock();
try {
  // The TypeScript worker is the last to be ready (it bundles its workflows); then a few seconds to settle.
  const { child, ms } = timeUntil(['up', '--no-logs', '--no-watch'], /worker-typescript\s+healthy/);
  await ms;
  await new Promise((r) => setTimeout(r, 5_000));
  const postgres = readSession(join(ROOT, '.devenv', 'session.json'))?.services['postgres'];
  if (postgres?.kind !== 'process-group') throw new Error('no native postgres service running');
  // The log accumulates runs: this run's engine is the last one named.
  const engine = [
    ...readFileSync(join(ROOT, '.devenv', 'logs', 'postgres.log'), 'utf8').matchAll(
      /devenv postgres-server: (PostgreSQL \S+|embedded PGlite \S+)/g,
    ),
  ].at(-1)?.[1];
  const baseline = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
  const [devenv, floor, pg] = await Promise.all([
    sample(
      () => cpuTicks(child.pid!),
      () => rssMb(child.pid!),
    ),
    sample(
      () => cpuTicks(baseline.pid!),
      () => rssMb(baseline.pid!),
    ),
    sample(
      () => treeTicks(postgres.pgid),
      () => treePssMb(postgres.pgid),
    ),
  ]);
  baseline.kill();
  child.kill('SIGINT');
  await waitExit(child);
  console.log(
    `devenv idle: ${devenv.cpu.toFixed(2)} % of one core, peak RSS ${devenv.mb.toFixed(0)} MB over ${seconds} s`,
  );
  console.log(
    `idle node:   ${floor.cpu.toFixed(2)} % of one core, peak RSS ${floor.mb.toFixed(0)} MB`,
  );
  console.log(
    `postgres service (${engine ?? 'engine not in its log'}): ${pg.cpu.toFixed(2)} % of one core, peak PSS ${pg.mb.toFixed(0)} MB (whole process tree)`,
  );
  console.log(
    `cpu ratio = ${(devenv.cpu / 1).toFixed(3)} of the 1 % target; rss ratio = ${(devenv.mb / 120).toFixed(3)} of the 120 MB target`,
  );
} finally {
  await release();
}
