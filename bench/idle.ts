// devenv supervising the running stack while nothing happens: CPU of devenv's own process
// (not its children) and its RSS over a window (target: ≤ 1 % of one core, ≤ 120 MB). The
// baseline in the same run is an idle Node process with one timer, the floor of any Node tool.
// Run: npx tsx bench/idle.ts [seconds]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { timeUntil, waitExit } from './devenv-run.js';

const seconds = Number(process.argv[2] ?? 60);
const TICKS = 100; // USER_HZ on Linux

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

async function sample(pid: number): Promise<{ cpu: number; rss: number }> {
  const before = cpuTicks(pid);
  let peak = 0;
  for (let i = 0; i < seconds; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    peak = Math.max(peak, rssMb(pid));
  }
  return { cpu: ((cpuTicks(pid) - before) / TICKS / seconds) * 100, rss: peak };
}

// The TypeScript worker is the last to be ready (it bundles its workflows); then a few seconds to settle.
const { child, ms } = timeUntil(['up', '--no-logs', '--no-watch'], /worker-typescript\s+healthy/);
await ms;
await new Promise((r) => setTimeout(r, 5_000));
const baseline = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
const [devenv, floor] = await Promise.all([sample(child.pid!), sample(baseline.pid!)]);
baseline.kill();
child.kill('SIGINT');
await waitExit(child);
console.log(
  `devenv idle: ${devenv.cpu.toFixed(2)} % of one core, peak RSS ${devenv.rss.toFixed(0)} MB over ${seconds} s`,
);
console.log(
  `idle node:   ${floor.cpu.toFixed(2)} % of one core, peak RSS ${floor.rss.toFixed(0)} MB`,
);
console.log(
  `cpu ratio = ${(devenv.cpu / 1).toFixed(3)} of the 1 % target; rss ratio = ${(devenv.rss / 120).toFixed(3)} of the 120 MB target`,
);
