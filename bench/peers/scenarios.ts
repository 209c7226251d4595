// The workloads, each run the same way under any supervisor, and by hand for the floor.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { freePort } from '../../devenv/src/process/free-port.js';
import {
  bodyIs,
  ticksBetween,
  treeCpuTicks,
  exited,
  launch,
  pollUntil,
  portAnswers,
  rssMb,
  runToExit,
  sleep,
  stopGroup,
} from './measure.js';
import type { ProjectSpec, ServiceSpec, Supervisor } from './supervisors.js';
import { countFloodLines, firstFloodIndex, type WorkloadFiles } from './workloads.js';

const NODE = process.execPath;

export interface FloodResult {
  readonly ms: number;
  readonly peakRssMb: number;
  readonly lost: number;
  /** Of the lines, the share the supervisor still keeps on disk (1 unless it rotates). */
  readonly keptShare: number;
}

async function prepared(sup: Supervisor, project: ProjectSpec, dir: string) {
  const outputFile = join(dir, 'supervisor.out');
  const spec = await sup.prepare(project, dir);
  return { spec: { ...spec, outputFile }, outputFile };
}

/** S1 and the own start/stop: one service writes `lines` lines and exits; run → exit. */
export async function flood(
  sup: Supervisor,
  files: WorkloadFiles,
  lines: number,
  dir: string,
): Promise<FloodResult> {
  const gen: ServiceSpec = { name: 'gen', argv: [NODE, files.generator, String(lines)] };
  const { spec, outputFile } = await prepared(sup, { services: [gen], runToCompletion: true }, dir);
  const { ms, peakRssMb } = await runToExit(spec);
  const log = sup
    .logOf(dir, 'gen', outputFile)
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file, 'utf8'))
    .join('');
  // A supervisor that rotates its log keeps only the newest lines on disk: lines are counted
  // from the first one kept, so rotation is not taken for loss (and is reported).
  const firstKept = firstFloodIndex(log) ?? 0;
  return {
    ms,
    peakRssMb,
    lost: lines - firstKept - countFloodLines(log),
    keptShare: (lines - firstKept) / lines,
  };
}

export async function floodByHand(files: WorkloadFiles, lines: number, dir: string) {
  const script = '"$0" "$1" "$2" | cat > "$3"';
  const args = ['-c', script, NODE, files.generator, String(lines), join(dir, 'by-hand.log')];
  return runToExit({ command: '/bin/sh', args, cwd: dir, outputFile: join(dir, 'sh.out') });
}

/** S2: five idle listeners probed every 5 s; CPU of the supervisor (with reaped probes) and RSS. */
export async function idle(
  sup: Supervisor,
  files: WorkloadFiles,
  probe: 'tcp' | 'exec' | 'none',
  dir: string,
  windowSeconds: number,
): Promise<{ cpuPercent: number; rssMb: number }> {
  const ports = await Promise.all([1, 2, 3, 4, 5].map(() => freePort()));
  const services = ports.map((port, i) => ({
    name: `s${i + 1}`,
    argv: [NODE, files.listener, String(port), '0'],
    periodSeconds: 5,
    ...(probe === 'tcp' ? { probe: { kind: 'tcp' as const, port } } : {}),
    ...(probe === 'exec' ? { probe: { kind: 'exec' as const, argv: ['true'] } } : {}),
  }));
  const { spec } = await prepared(sup, { services, runToCompletion: false }, dir);
  const child = launch(spec);
  try {
    for (const port of ports) await pollUntil(() => portAnswers(port), `port ${port}`, 60_000, 20);
    // Past start-up work and the first probes; for devenv that includes its one idle collection
    // (cli/up/idle-collect.ts: once the stack has been quiet for a second, 50–120 ms of CPU),
    // which is start-up work, not what an idle stack costs.
    await sleep(15_000);
    const before = treeCpuTicks(child.pid!);
    const startedAt = performance.now();
    await sleep(windowSeconds * 1000);
    const ticks = ticksBetween(before, treeCpuTicks(child.pid!));
    const seconds = (performance.now() - startedAt) / 1000;
    return { cpuPercent: ticks / seconds, rssMb: rssMb(child.pid!) };
  } finally {
    await stopGroup(child);
  }
}

/** S3's chain: d starts first; c once d listens, …; a last. Each listens 300 ms after start. */
function chain(files: WorkloadFiles, ports: readonly number[]): ServiceSpec[] {
  const names = ['d', 'c', 'b', 'a'];
  return names.map((name, i) => ({
    name,
    argv: [NODE, files.listener, String(ports[i]), '300'],
    probe: { kind: 'tcp', port: ports[i]! },
    periodSeconds: 1,
    ...(i > 0 ? { after: names[i - 1] } : {}),
  }));
}

/** S3: launch → the last service of the chain listens. */
export async function chainStart(sup: Supervisor, files: WorkloadFiles, dir: string) {
  const ports = await Promise.all([1, 2, 3, 4].map(() => freePort()));
  const { spec } = await prepared(
    sup,
    { services: chain(files, ports), runToCompletion: false },
    dir,
  );
  const started = performance.now();
  const child = launch(spec);
  try {
    await pollUntil(() => portAnswers(ports[3]!), 'the chain');
    return performance.now() - started;
  } finally {
    await stopGroup(child);
  }
}

export async function chainByHand(files: WorkloadFiles): Promise<number> {
  const ports = await Promise.all([1, 2, 3, 4].map(() => freePort()));
  const children = [];
  const started = performance.now();
  try {
    for (const port of ports) {
      children.push(spawn(NODE, [files.listener, String(port), '300'], { stdio: 'ignore' }));
      await pollUntil(() => portAnswers(port), `port ${port}`);
    }
    return performance.now() - started;
  } finally {
    for (const child of children) child.kill('SIGKILL');
  }
}

/** S4: a changed watched file → the restarted server answers with the new content. */
export async function restartOnChange(
  sup: Supervisor,
  files: WorkloadFiles,
  dir: string,
  edits: number,
): Promise<number[]> {
  const port = await freePort();
  // Inside the project's directory, where projects keep their sources.
  const watched = join(dir, 'src', 'content.txt');
  await mkdir(dirname(watched), { recursive: true });
  await writeFile(watched, 'edit 0\n');
  const web: ServiceSpec = {
    name: 'web',
    argv: [NODE, files.server, String(port), watched],
    watch: watched,
  };
  const { spec } = await prepared(sup, { services: [web], runToCompletion: false }, dir);
  const child = launch(spec);
  const times: number[] = [];
  try {
    await pollUntil(() => bodyIs(port, 'edit 0\n'), `${sup.name}'s first server`, 60_000, 20);
    await sleep(3_000); // the watcher is set up (it may start after the service)
    for (let edit = 1; edit <= edits; edit++) {
      const content = `edit ${edit}\n`;
      const started = performance.now();
      await writeFile(watched, content);
      await pollUntil(() => bodyIs(port, content), `${sup.name}: edit ${edit} served`, 30_000);
      times.push(performance.now() - started);
      await sleep(500);
    }
    return times;
  } finally {
    await stopGroup(child);
  }
}

export async function restartByHand(files: WorkloadFiles, edits: number): Promise<number[]> {
  const port = await freePort();
  const start = () => spawn(NODE, [files.server, String(port), files.watched], { stdio: 'ignore' });
  await writeFile(files.watched, 'edit 0\n');
  let child = start();
  await pollUntil(() => bodyIs(port, 'edit 0\n'), 'the server');
  const times: number[] = [];
  try {
    for (let edit = 1; edit <= edits; edit++) {
      const content = `edit ${edit}\n`;
      const started = performance.now();
      await writeFile(files.watched, content);
      child.kill('SIGTERM');
      await exited(child);
      child = start();
      await pollUntil(() => bodyIs(port, content), `edit ${edit} served`);
      times.push(performance.now() - started);
    }
    return times;
  } finally {
    child.kill('SIGKILL');
  }
}
