/**
 * Log bus throughput: a child prints 1,000,000 lines; we time it writing to /dev/null (the
 * baseline) and piped through the log bus with the file sink on, in the same run.
 *
 *   npx tsx bench/log-throughput.ts [lines]
 *
 * Targets: ratio (bus lines/s ÷ /dev/null lines/s) ≥ 0.8 for a child that logs line by line,
 * peak RSS of this process ≤ 150 MB. The bulk run (64 KiB writes) shows the bus's own ceiling.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSink } from '../devenv/src/logbus/file-sink.js';
import { LineSplitter } from '../devenv/src/logbus/line-splitter.js';
import { createLogBus } from '../devenv/src/logbus/log-bus.js';
import { parseLine } from '../devenv/src/logbus/parse-line.js';

const LINES = Number(process.argv[2] ?? 1_000_000);
const RUNS = 3;

type Shape = 'json' | 'plain';
type Writes = 'per-line' | 'bulk';

/** The child: pino-like JSON or plain lines, one write per line (like a logger) or 64 KiB writes. */
function childScript(shape: Shape, writes: Writes): string {
  const line =
    shape === 'json'
      ? `'{"level":30,"time":' + Date.now() + ',"pid":' + process.pid + ',"hostname":"bench","workflowId":"wf-' + (i % 1000) + '","msg":"activity completed ' + i + '"}\\n'`
      : `'2024-05-01T10:00:00.000Z INFO activity completed ' + i + ' in 3ms\\n'`;
  return writes === 'per-line'
    ? `
const out = process.stdout;
let i = 0;
function more() {
  for (; i < ${LINES}; i++) {
    if (!out.write(${line})) { i++; return out.once('drain', more); }
  }
}
more();`
    : `
const out = process.stdout;
let i = 0;
function more() {
  while (i < ${LINES}) {
    let chunk = '';
    while (chunk.length < 65536 && i < ${LINES}) { chunk += ${line}; i++; }
    if (!out.write(chunk)) return out.once('drain', more);
  }
}
more();`;
}

/** The same child piped to this process, which throws the bytes away: what the pipe itself costs. */
async function toDiscardingPipe(script: string): Promise<number> {
  const start = performance.now();
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout.resume();
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`child exited ${code}`);
  return performance.now() - start;
}

async function toDevNull(script: string): Promise<number> {
  const devNull = openSync('/dev/null', 'w');
  const start = performance.now();
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', devNull, 'inherit'] });
  const [code] = (await once(child, 'close')) as [number | null];
  const elapsed = performance.now() - start;
  closeSync(devNull);
  if (code !== 0) throw new Error(`child exited ${code}`);
  return elapsed;
}

interface BusRun {
  /** Spawn until every line is in the bus and delivered to subscribers and the sink's queue. */
  readonly throughBus: number;
  /** …and the file sink has written everything it kept to disk. */
  readonly throughDisk: number;
  readonly records: number;
  readonly delivered: number;
  readonly fileDropped: number;
}

async function throughBus(script: string): Promise<BusRun> {
  const dir = await mkdtemp(join(tmpdir(), 'devenv-bench-logs-'));
  try {
    const bus = createLogBus({ sinks: [createFileSink({ directory: dir })] });
    let delivered = 0;
    bus.subscribe({}, (records) => void (delivered += records.length)); // Like the TUI.
    const start = performance.now();
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (chunk: Buffer) => bus.write('bench', 'stdout', chunk));
    const [code] = (await once(child, 'close')) as [number | null];
    if (code !== 0) throw new Error(`child exited ${code}`);
    bus.flush('bench');
    await new Promise((resolve) => setImmediate(resolve));
    const throughBusMs = performance.now() - start;
    await bus.close();
    const throughDiskMs = performance.now() - start;
    const stats = bus.stats();
    return {
      throughBus: throughBusMs,
      throughDisk: throughDiskMs,
      records: stats.records,
      delivered,
      fileDropped: stats.droppedBySink['file'] ?? 0,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const rate = (ms: number): number => (LINES / ms) * 1000;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** The splitter and parser alone, in-process: the per-line cost the bus adds. */
function splitterAlone(): void {
  for (const shape of ['plain', 'json'] as const) {
    const sample: string[] = [];
    for (let i = 0; i < 2000; i++) {
      sample.push(
        shape === 'json'
          ? JSON.stringify({
              level: 30,
              time: 1714557600000 + i,
              pid: 1,
              hostname: 'h',
              msg: `activity completed ${i}`,
            })
          : `2024-05-01T10:00:00.000Z INFO activity completed ${i} in 3ms`,
      );
    }
    const chunk = Buffer.from(sample.join('\n') + '\n');
    for (const parse of [false, true]) {
      let n = 0;
      let keep = 0;
      const splitter = new LineSplitter(
        parse
          ? (line) => {
              keep += parseLine(line).msg.length;
              n++;
            }
          : (line) => {
              keep += line.length;
              n++;
            },
      );
      for (let i = 0; i < 100; i++) splitter.push(chunk); // Warm-up: let the JIT settle.
      n = 0;
      const start = performance.now();
      for (let i = 0; i < 500; i++) splitter.push(chunk);
      const ms = performance.now() - start;
      if (keep < 0) throw new Error('unreachable: keeps the work from being optimised away');
      console.log(
        `  splitter${parse ? ' + parseLine' : '            '} (${shape.padEnd(5)}): ${fmt((n / ms) * 1000).padStart(11)} lines/s`,
      );
    }
  }
}

async function main(): Promise<void> {
  const startRssMb = process.memoryUsage().rss / 1024 / 1024;
  console.log(
    `log bus throughput — ${fmt(LINES)} lines per run, median of ${RUNS} runs, node ${process.version}`,
  );
  console.log('in-process:');
  splitterAlone();

  const results: { name: string; ratio: number }[] = [];
  for (const [shape, writes] of [
    ['json', 'per-line'],
    ['plain', 'per-line'],
    ['json', 'bulk'],
  ] as const) {
    const script = childScript(shape, writes);
    const baseline: number[] = [];
    const pipe: number[] = [];
    const bus: BusRun[] = [];
    // Interleaved, so a noisy neighbour slows all three alike.
    for (let run = 0; run < RUNS; run++) {
      baseline.push(await toDevNull(script));
      pipe.push(await toDiscardingPipe(script));
      bus.push(await throughBus(script));
    }
    const base = median(baseline);
    const piped = median(pipe);
    const viaBus = median(bus.map((r) => r.throughBus));
    const viaDisk = median(bus.map((r) => r.throughDisk));
    const last = bus.at(-1);
    const ratio = rate(viaBus) / rate(base);
    const name = `${shape} lines, ${writes} writes`;
    results.push({ name, ratio });
    console.log(`child with ${name}:`);
    console.log(`  to /dev/null:               ${fmt(rate(base)).padStart(11)} lines/s`);
    console.log(`  to a pipe, discarded:       ${fmt(rate(piped)).padStart(11)} lines/s`);
    console.log(`  through the bus:            ${fmt(rate(viaBus)).padStart(11)} lines/s`);
    console.log(`  through the bus + on disk:  ${fmt(rate(viaDisk)).padStart(11)} lines/s`);
    console.log(
      `  records ${fmt(last?.records ?? 0)}, delivered to subscriber ${fmt(last?.delivered ?? 0)}, dropped by file sink ${fmt(last?.fileDropped ?? 0)}`,
    );
    console.log(
      `  ratio = ${ratio.toFixed(2)}   (bus vs discarding pipe: ${(rate(viaBus) / rate(piped)).toFixed(2)})`,
    );
  }

  const peakRssMb = (process.resourceUsage().maxRSS * 1024) / 1024 / 1024;
  const [headline] = results;
  console.log('');
  console.log(`ratio = ${headline?.ratio.toFixed(2)} (${headline?.name}; target ≥ 0.8)`);
  console.log(
    `peak RSS = ${peakRssMb.toFixed(1)} MB (this process; target ≤ 150 MB; ${startRssMb.toFixed(1)} MB before the first run)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
