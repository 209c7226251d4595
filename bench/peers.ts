// devenv beside its peers on the same four workloads, in one run (issue #21): Tilt (the
// toolchain's build), honcho (PyPI) and process-compose (when PROCESS_COMPOSE_BIN names one).
//   S1  1M JSON log lines, run → exit; floor: the same program piped into `cat > file`
//   own start + stop of a one-line run
//   S2  idle, 5 services probed every 5 s (tcp, exec): CPU of the supervisor incl. reaped probes
//   S3  chain a→b→c→d, each listening 300 ms after its start; floor: started one by one by hand
//   S4  a watched file changes → the restarted server answers; floor: kill + start by hand
// Medians of `rounds` (S2: one window per round). Ratios are of times against the floor.
// Run: npx tsx bench/peers.ts [rounds] [lines] [idle seconds]
// DEVENV_BIN=<path to devenv.js> runs another checkout's devenv (before/after); PEERS_ONLY=S1,S4
// runs only the workloads named; DEVENV_BEFORE=<devenv.js of an older checkout> adds a column.
import { statSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../devenv/src/process/free-port.js';
import { median } from './peers/measure.js';
import {
  chainByHand,
  chainStart,
  flood,
  floodByHand,
  idle,
  restartByHand,
  restartOnChange,
} from './peers/scenarios.js';
import {
  devenv,
  devenvAt,
  honcho,
  processCompose,
  projectDir,
  tilt,
  type Supervisor,
} from './peers/supervisors.js';
import { findHoncho, findProcessCompose, findTilt, type Found } from './peers/tools.js';
import { writeWorkloads } from './peers/workloads.js';

const rounds = Number(process.argv[2] ?? 3);
const LINES = Number(process.argv[3] ?? 1_000_000);
const IDLE_SECONDS = Number(process.argv[4] ?? 30);
const EDITS = 5;
/** PEERS_ONLY=S1,S4 runs just those workloads. */
const ONLY = process.env['PEERS_ONLY']?.split(',');

const supervisors: Supervisor[] = [devenv];
// Before and after in one run, on the same machine load.
const before = process.env['DEVENV_BEFORE'];
if (before !== undefined) {
  // A directory (the checkout, not its devenv.js) would fail later with a bare EACCES.
  if (!statSync(before, { throwIfNoEntry: false })?.isFile()) {
    console.error(
      `DEVENV_BEFORE=${before} is not a file: name the older checkout's devenv/bin/devenv.js`,
    );
    process.exit(2);
  }
  supervisors.push(devenvAt(before, 'devenv (before)'));
}
const missing: string[] = [];
function add(name: string, found: Found, make: (path: string) => Supervisor): void {
  if (found.ok) supervisors.push(make(found.path));
  else missing.push(`${name}: ${found.why}`);
}
add('process-compose', findProcessCompose(), (path) => processCompose(path, freePort));
add('Tilt', await findTilt(), (path) => tilt(path, freePort));
add('honcho', findHoncho(), (path) => honcho(path));

const root = await mkdtemp(join(tmpdir(), 'devenv-bench-peers-'));
const files = await writeWorkloads(root);
await mkdir(join(root, 'watched'));

type Cell = string;
const table = new Map<string, Map<string, Cell>>();
const S1_ROW = `S1 ${LINES.toLocaleString('en')} lines`;
const put = (row: string, column: string, cell: Cell) => {
  if (!table.has(row)) table.set(row, new Map());
  table.get(row)!.set(column, cell);
};
const FLOOR = 'by hand (floor)';
const ms = (value: number) => `${Math.round(value).toLocaleString()} ms`;
const ratio = (value: number, floor: number) => `${(value / floor).toFixed(2)}×`;
let dirCount = 0;
const freshDir = (name: string) => projectDir(root, name, dirCount++);

async function sample<T>(what: () => Promise<T>): Promise<T[]> {
  const values: T[] = [];
  for (let round = 0; round < rounds; round++) values.push(await what());
  return values;
}

async function s1(): Promise<void> {
  const floor = median(
    (await sample(async () => floodByHand(files, LINES, root))).map((r) => r.ms),
  );
  put(S1_ROW, FLOOR, `cat ${ms(floor)}`);
  for (const sup of supervisors) {
    const runs = await sample(async () => flood(sup, files, LINES, await freshDir(sup.name)));
    const time = median(runs.map((r) => r.ms));
    const lost = Math.max(...runs.map((r) => r.lost));
    const rss = Math.max(...runs.map((r) => r.peakRssMb));
    const kept = Math.min(...runs.map((r) => r.keptShare));
    const lostNote =
      (lost === 0 ? '0 lost' : `LOST ${((lost / LINES) * 100).toFixed(1)} %`) +
      (kept < 1 ? ` (log rotation keeps the last ${(kept * 100).toFixed(0)} %)` : '');
    put(
      S1_ROW,
      sup.name,
      `${ms(time)} (${ratio(time, floor)}), ${lostNote}, RSS ${rss.toFixed(0)} MB`,
    );
  }
}

async function ownStartStop(): Promise<void> {
  for (const sup of supervisors) {
    const runs = await sample(async () => flood(sup, files, 1, await freshDir(sup.name)));
    put('own start + stop', sup.name, ms(median(runs.map((r) => r.ms))));
  }
}

async function s2(): Promise<void> {
  for (const sup of supervisors) {
    const kinds = sup.supports.probes ? (['tcp', 'exec'] as const) : (['none'] as const);
    const cells: string[] = [];
    for (const kind of kinds) {
      const runs = await sample(async () =>
        idle(sup, files, kind, await freshDir(sup.name), IDLE_SECONDS),
      );
      const cpu = median(runs.map((r) => r.cpuPercent));
      const rss = median(runs.map((r) => r.rssMb));
      cells.push(
        `${cpu.toFixed(2)} % (${kind === 'none' ? 'no probes' : kind}), ${rss.toFixed(0)} MB`,
      );
    }
    put('S2 idle 5 services', sup.name, cells.join('; '));
  }
}

async function s3(): Promise<void> {
  const floor = median(await sample(() => chainByHand(files)));
  put('S3 chain of 4', FLOOR, ms(floor));
  for (const sup of supervisors.filter((s) => s.supports.order && s.supports.probes)) {
    const time = median(await sample(async () => chainStart(sup, files, await freshDir(sup.name))));
    put('S3 chain of 4', sup.name, `${ms(time)} (${ratio(time, floor)})`);
  }
}

async function s4(): Promise<void> {
  const floor = median((await sample(() => restartByHand(files, EDITS))).flat());
  put('S4 save → answers', FLOOR, `kill + start ${ms(floor)}`);
  for (const sup of supervisors.filter((s) => s.supports.watch)) {
    const times = await sample(async () =>
      restartOnChange(sup, files, await freshDir(sup.name), EDITS),
    );
    const time = median(times.flat());
    put('S4 save → answers', sup.name, `${ms(time)} (${ratio(time, floor)})`);
  }
}

try {
  // One unmeasured run each: first runs fill compile caches (Node's, Go's page cache, Python's .pyc).
  for (const sup of supervisors) await flood(sup, files, 1, await freshDir(sup.name));
  for (const [name, run] of [
    ['S1', s1],
    ['own start + stop', ownStartStop],
    ['S3', s3],
    ['S4', s4],
    ['S2', s2],
  ] as const) {
    if (ONLY !== undefined && !ONLY.includes(name)) continue;
    process.stderr.write(`peers: ${name}…\n`);
    await run();
  }
} catch (error) {
  console.error(`peers: ${String(error)}; the supervisors' files are kept in ${root}`);
  process.exit(1);
}
await rm(root, { recursive: true, force: true });

const columns = [FLOOR, ...supervisors.map((s) => s.name)];
console.log(`medians of ${rounds}; ratios are of times against the floor (> 1 is slower)\n`);
console.log(`| workload | ${columns.join(' | ')} |`);
console.log(`|---|${columns.map(() => '---').join('|')}|`);
for (const [row, cells] of table)
  console.log(`| ${row} | ${columns.map((c) => cells.get(c) ?? '—').join(' | ')} |`);
for (const line of missing) console.log(`\nnot measured: ${line}`);
