// Log throughput through devenv: a service writes N lines (one write per line, as a logger
// does) and exits; `devenv up --ci` supervises it with the log bus and file sink on. Baseline in
// the same run: the same child writing to /dev/null. Targets: ratio ≥ 0.8, devenv RSS ≤ 150 MB.
// The ratio is of lines/s: devenv's fixed cost (its start and stop, measured as `up` of a 1-line
// flood) is left out; the whole run including it is printed too.
// Run: npx tsx bench/log-throughput.ts [lines] [plain|json]
// DEVENV_BIN=<path to devenv.js> runs another checkout's devenv (for before/after comparisons).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEVENV as PROJECT_DEVENV, median } from './devenv-run.js';

const DEVENV = process.env['DEVENV_BIN'] ?? PROJECT_DEVENV;

const LINES = Number(process.argv[2] ?? 1_000_000);
const SHAPE = process.argv[3] === 'plain' ? 'plain' : 'json';
const RUNS = 3;

const line =
  SHAPE === 'json'
    ? `'{"level":30,"time":' + Date.now() + ',"pid":' + process.pid + ',"workflowId":"wf-' + (i % 1000) + '","msg":"activity completed ' + i + '"}\\n'`
    : `'2026-11-23T10:00:00.000Z INFO activity completed ' + i + ' in 3ms\\n'`;
const flooder = (lines: number): string => `const out = process.stdout; let i = 0;
function more() { for (; i < ${lines}; i++) { if (!out.write(${line})) { i++; return out.once('drain', more); } } }
more();`;
const script = flooder(LINES);

function timed(
  command: string,
  args: string[],
  stdout: 'ignore' | 'pipe',
  cwd?: string,
): Promise<{ ms: number; peakRssMb: number }> {
  const start = performance.now();
  const child = spawn(command, args, { stdio: ['ignore', stdout, 'inherit'], cwd });
  child.stdout?.resume();
  let peak = 0;
  const sampler = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      peak = Math.max(peak, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
    } catch {
      // exited between samples
    }
  }, 50);
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => {
      clearInterval(sampler);
      if (code !== 0)
        reject(new Error(`${command} ${args.join(' ').slice(0, 200)} exited ${code}`));
      else resolve({ ms: performance.now() - start, peakRssMb: peak });
    }),
  );
}

const dir = await mkdtemp(join(tmpdir(), 'devenv-bench-logs-'));
/** A stack whose `flood` service writes `lines` lines; `done` starts once it completed. */
async function floodStack(name: string, lines: number): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(
    file,
    // `done` starts once `flood` completed, so `up --ci` reports ready only after the last line.
    `name: logflood
services:
  flood:
    image: bench/flood:1
    x-devenv:
      native:
        command: [${JSON.stringify(process.execPath)}, -e, ${JSON.stringify(flooder(lines))}]
  done:
    image: bench/done:1
    depends_on:
      flood: { condition: service_completed_successfully }
    x-devenv:
      native:
        command: [${JSON.stringify(process.execPath)}, -e, 'setInterval(() => {}, 1000)']
`,
  );
  return file;
}
const floodFile = await floodStack('compose', LINES);
const oneLineFile = await floodStack('one-line', 1);
const bare: number[] = [];
const piped: number[] = [];
const through: number[] = [];
/** devenv's run minus its fixed cost measured as `up` of a one-line flood, not `--help`. */
const throughNet: number[] = [];
let peak = 0;
try {
  for (let run = 0; run < RUNS; run++) {
    // The baseline is `node -e` under no supervisor; devenv adds its own start-up (~0.5 s) to the
    // run, so it is measured too and subtracted: this compares lines/s, not process start.
    bare.push((await timed(process.execPath, ['-e', script], 'ignore')).ms);
    // The floor of any capture: the same child into a pipe that `cat` drains as fast as it can.
    piped.push(
      (
        await timed(
          '/bin/sh',
          ['-c', '"$0" -e "$1" | cat > /dev/null', process.execPath, script],
          'ignore',
        )
      ).ms,
    );
    const startup = (await timed(DEVENV, ['--help'], 'ignore')).ms;
    const result = await timed(DEVENV, ['up', '--ci', '--no-logs', '-f', floodFile], 'pipe', dir);
    through.push(result.ms - startup);
    peak = Math.max(peak, result.peakRssMb);
    // What `up` costs besides the lines (start, the services' own start and stop, shutdown).
    const fixed = (await timed(DEVENV, ['up', '--ci', '--no-logs', '-f', oneLineFile], 'pipe', dir))
      .ms;
    const childStart = (await timed(process.execPath, ['-e', flooder(1)], 'ignore')).ms;
    throughNet.push(result.ms - (fixed - childStart));
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
const bareRate = LINES / (median(bare) / 1000);
const devenvRate = LINES / (median(through) / 1000);
const pipeRate = LINES / (median(piped) / 1000);
const netRate = LINES / (median(throughNet) / 1000);
console.log(`${SHAPE} lines, ${LINES} per run, median of ${RUNS}`);
console.log(`child > /dev/null:     ${Math.round(bareRate).toLocaleString()} lines/s`);
console.log(
  `child | cat > /dev/null: ${Math.round(pipeRate).toLocaleString()} lines/s (the floor of any capture)`,
);
console.log(
  `child through devenv:  ${Math.round(devenvRate).toLocaleString()} lines/s (bus + file sink)`,
);
console.log(`devenv ÷ cat pipe = ${(netRate / pipeRate).toFixed(3)} (both without start-up)`);
console.log(
  `whole run including devenv's own start and stop: ${Math.round(devenvRate).toLocaleString()} lines/s, ratio ${(devenvRate / bareRate).toFixed(3)}`,
);
// The target compares lines/s: the time the lines take through devenv, without the fixed cost of
// starting and stopping devenv and its services (measured by the same `up` of a 1-line flood).
console.log(
  `ratio = ${(netRate / bareRate).toFixed(3)} (lines/s through devenv ÷ to /dev/null; target ≥ 0.8); devenv peak RSS ${peak.toFixed(0)} MB (target ≤ 150)`,
);
