// Log throughput under a flood with the TUI rendering vs headless: one service writes a bounded
// number of JSON lines paced at ~50,000 lines/s (one write per line, as a logger does), between
// a START line carrying its clock and an END line. devenv runs the same stack twice per round:
// headless (`up --no-logs`, stdout a pipe) and with the TUI in a real terminal (tmux, 160×50).
// Delivered throughput = lines ÷ (END visible in devenv's file sink − START), i.e. through the
// log bus; devenv's and the TUI's own start-up are not counted. Target: TUI ÷ headless ≥ 0.8.
// Run: npx tsx bench/tui-flood.ts [rounds] [lines] [lines/s]
// DEVENV_BIN=<checkout>/devenv/bin/devenv.js measures that devenv instead.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEVENV as PROJECT_DEVENV, median, waitExit } from './devenv-run.js';

const rounds = Number(process.argv[2] ?? 3);
const LINES = Number(process.argv[3] ?? 200_000);
const RATE = Number(process.argv[4] ?? 50_000);
const SESSION = `devenv-tui-flood-${process.pid}`;
// Another checkout's devenv (an older commit, for before/after in one run); this one by default.
const DEVENV = process.env.DEVENV_BIN ?? PROJECT_DEVENV;

// Paced: every 5 ms, as many lines as are due at RATE; waits for 'drain' when the pipe is full
// (then the rate is what devenv reads). Stays up afterwards so devenv sees no exit.
const script = `const out = process.stdout; const N = ${LINES}, RATE = ${RATE};
out.write('FLOOD-START ' + Date.now() + '\\n');
const t0 = Date.now(); let i = 0;
function tick() {
  const due = Math.min(N, Math.floor(((Date.now() - t0) * RATE) / 1000));
  while (i < due) {
    const ok = out.write('{"level":30,"time":' + Date.now() + ',"workflowId":"wf-' + (i % 1000) + '","msg":"activity completed ' + i + '"}\\n');
    i++;
    if (!ok) return out.once('drain', tick);
  }
  if (i < N) setTimeout(tick, 5); else out.write('FLOOD-END\\n');
}
tick(); setInterval(() => {}, 1 << 30);`;

// Outside the repository: a project inside it would share the repository's .devenv/ state.
const dir = await mkdtemp(join(tmpdir(), 'devenv-bench-tui-flood-'));
const compose = join(dir, 'compose.yaml');
await writeFile(
  compose,
  `name: tuiflood
services:
  flood:
    image: bench/flood:1
    x-devenv:
      native:
        command: [${JSON.stringify(process.execPath)}, -e, ${JSON.stringify(script)}]
`,
);
const sink = join(dir, '.devenv', 'logs', 'flood.log');

function tail(path: string, bytes = 4096): string {
  if (!existsSync(path)) return '';
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(bytes, size));
    readSync(fd, buffer, 0, buffer.length, size - buffer.length);
    return buffer.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Lines per second from the flood's START to its END showing in the file sink. */
async function delivered(timeoutMs = 120_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let startedAt: number | undefined;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`no FLOOD-END in ${sink} within ${timeoutMs} ms`);
    if (startedAt === undefined) {
      const head = existsSync(sink) ? (await readFile(sink, 'utf8')).slice(0, 4096) : '';
      const match = /FLOOD-START (\d+)/.exec(head);
      if (match) startedAt = Number(match[1]);
    } else if (tail(sink).includes('FLOOD-END')) {
      return LINES / ((Date.now() - startedAt) / 1000);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function headless(): Promise<number> {
  await rm(join(dir, '.devenv'), { recursive: true, force: true });
  const child = spawn(DEVENV, ['up', '--no-logs', '-f', compose], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.resume();
  child.stderr.resume();
  try {
    return await delivered();
  } finally {
    child.kill('SIGINT');
    await waitExit(child);
  }
}

const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });

async function withTui(): Promise<number> {
  await rm(join(dir, '.devenv'), { recursive: true, force: true });
  const done = join(dir, 'exit-code');
  await rm(done, { force: true });
  // CI= : the TUI renders only when devenv thinks a person is watching.
  tmux(
    'new-session',
    '-d',
    '-s',
    SESSION,
    '-x',
    '160',
    '-y',
    '50',
    `cd ${dir} && CI= ${DEVENV} up -f compose.yaml; echo $? > ${done}`,
  );
  try {
    const rate = await delivered();
    if (!/flood/.test(tmux('capture-pane', '-t', SESSION, '-p')))
      throw new Error('the TUI is not on the screen');
    return rate;
  } finally {
    tmux('send-keys', '-t', SESSION, 'q');
    const deadline = Date.now() + 30_000;
    while (!existsSync(done) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    try {
      tmux('kill-session', '-t', SESSION);
    } catch {
      // ended with devenv
    }
  }
}

const bare: number[] = [];
const tui: number[] = [];
try {
  for (let i = 0; i < rounds; i++) {
    bare.push(await headless());
    tui.push(await withTui());
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
const f = (v: number) => `${Math.round(v).toLocaleString('en')} lines/s`;
console.log(
  `${LINES.toLocaleString('en')} JSON lines paced at ${f(RATE)}, medians of ${rounds} rounds`,
);
console.log(
  `headless (up --no-logs, piped): ${f(median(bare))}   [${bare.map(Math.round).join(', ')}]`,
);
console.log(
  `TUI in tmux 160×50:            ${f(median(tui))}   [${tui.map(Math.round).join(', ')}]`,
);
console.log(`ratio = ${(median(tui) / median(bare)).toFixed(3)} (target ≥ 0.8)`);
