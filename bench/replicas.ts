// Replicas of the TypeScript worker: cold start of 3 replicas against 1, in the same run
// (target: ratio ≤ 1.3 on 2 cores), and the RSS each extra replica adds. Each round runs
// `devenv up worker-typescript --scale worker-typescript=N` (Postgres and Temporal too), waits
// until every replica is healthy, and reads devenv's own clock from `devenv ps --json`: the cold
// start is the first replica's start → the last replica ready. RSS: every process of each
// replica's process group (/proc), summed. Rounds alternate 1 and 3.
// Run: npx tsx bench/replicas.ts [rounds]
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceState } from '../devenv/src/engine/service-state.js';
import { parseProcStat } from '../devenv/src/runtime/proc-stat.js';
import { acquireStackLock } from '../devenv/test/stack-lock.js';
import { DEVENV, median, ROOT, waitExit } from './devenv-run.js';

const rounds = Number(process.argv[2] ?? 3);
const PAGE_KB = 4;
const TICKS_PER_S = 100;

function ps(): ServiceState[] {
  const out = execFileSync(DEVENV, ['ps', '--json'], { cwd: ROOT, encoding: 'utf8' });
  return (JSON.parse(out) as { services: ServiceState[] }).services;
}

/** RSS (MB) and CPU time so far (s, user + system) of every process in the group. */
function groupUsage(pgid: number): { rssMb: number; cpuS: number } {
  let pages = 0;
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseProcStat(readFileSync(`/proc/${entry}/stat`, 'utf8'));
      if (stat?.pgrp !== pgid) continue;
      pages += stat.rssPages;
      ticks += stat.utime + stat.stime;
    } catch {
      // Gone between the listing and the read.
    }
  }
  return { rssMb: (pages * PAGE_KB) / 1024, cpuS: ticks / TICKS_PER_S };
}

interface Round {
  readonly coldMs: number;
  readonly rssMb: number;
  /** CPU each replica used from its start to ready, on average. */
  readonly cpuS: number;
}

async function round(replicas: number): Promise<Round> {
  const child = spawn(
    DEVENV,
    [
      'up',
      'worker-typescript',
      '--scale',
      `worker-typescript=${replicas}`,
      '--no-logs',
      '--no-watch',
    ],
    { cwd: ROOT, stdio: 'ignore' },
  );
  try {
    const deadline = Date.now() + 300_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`devenv exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error('replicas not healthy within 300 s');
      const workers = safePs().filter((s) => s.name.startsWith('worker-typescript'));
      if (workers.length === replicas && workers.every((s) => s.phase === 'healthy')) {
        const cpuS = workers.reduce((sum, s) => sum + groupUsage(s.pid!).cpuS, 0) / workers.length;
        // Let the workers settle (their first polls, the bundle's garbage) before weighing them.
        await sleep(3000);
        const rssMb = workers.reduce((sum, s) => sum + groupUsage(s.pid!).rssMb, 0);
        const coldMs =
          Math.max(...workers.map((s) => s.readyAt!)) -
          Math.min(...workers.map((s) => s.startedAt!));
        return { coldMs, rssMb, cpuS };
      }
      await sleep(200);
    }
  } finally {
    child.kill('SIGINT');
    await waitExit(child);
  }
}

function safePs(): ServiceState[] {
  try {
    return ps();
  } catch {
    return []; // No state file yet.
  }
}

const release = await acquireStackLock();
try {
  await round(1); // Warm-up: data directories, the workflow bundle cache, OS caches.
  const one: Round[] = [];
  const three: Round[] = [];
  for (let i = 0; i < rounds; i++) {
    one.push(await round(1));
    three.push(await round(3));
  }
  const cold1 = median(one.map((r) => r.coldMs));
  const cold3 = median(three.map((r) => r.coldMs));
  const rss1 = median(one.map((r) => r.rssMb));
  const rss3 = median(three.map((r) => r.rssMb));
  console.log(
    `1 replica   cold start ${cold1.toFixed(0)} ms, RSS ${rss1.toFixed(0)} MB (median of ${rounds})`,
  );
  console.log(
    `3 replicas  cold start ${cold3.toFixed(0)} ms, RSS ${rss3.toFixed(0)} MB (median of ${rounds})`,
  );
  console.log(
    `CPU per replica start → ready: ${median(one.map((r) => r.cpuS)).toFixed(2)} s alone, ` +
      `${median(three.map((r) => r.cpuS)).toFixed(2)} s each of three (${cpus().length} cores)`,
  );
  console.log(`RSS per extra replica ${((rss3 - rss1) / 2).toFixed(0)} MB`);
  console.log(`ratio = ${(cold3 / cold1).toFixed(3)} (3 replicas / 1; target ≤ 1.3 on 2 cores)`);
} finally {
  await release();
}
