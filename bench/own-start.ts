// devenv's own cost, next to what the same work costs by hand in the same run (issue #21, items
// 1, 2 and 5):
// - `up` → the first service spawned (the service opens a FIFO the bench reads); by hand: the
//   same command spawned from here. Target ≤ 150 ms.
// - `up --ci` of a one-line service (`echo hi`) → devenv exits; by hand: `echo hi`. Target ≤ 200 ms.
// - S3, a chain a→b→c→d (each listens 300 ms after it starts; depends_on service_healthy, tcp
//   probes) → d listening, from devenv's launch; by hand: start each once the previous one
//   listens (checked every 2 ms). Target ≤ 1.15×.
// - Idle RSS of `up` with one sleeping service, headless (stdout a pipe) and with the TUI in a
//   pseudo-terminal (`script`, 160×50), read from /proc 3 s after the service is up. Targets
//   ≤ 60 MB and ≤ 110 MB.
// Medians of `rounds` (default 5). Run: npx tsx bench/own-start.ts [rounds] [first,oneline,chain,rss]
// DEVENV_BIN=<checkout>/devenv/bin/devenv.js measures that devenv instead. Each part's first round
// loads the stack and fills the stack cache, later rounds are served by it (a normal `up`), so
// medians are of cache hits; DEVENV_STACK_CACHE=off measures every `up` as a load.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEVENV as PROJECT_DEVENV, median, waitExit } from './devenv-run.js';

const rounds = Number(process.argv[2] ?? 5);
/** Which parts to run (comma-separated: first,oneline,chain,rss); all by default. */
const parts = new Set((process.argv[3] ?? 'first,oneline,chain,rss').split(','));
const NODE = process.execPath;
// Another checkout's devenv (an older commit, for before/after in one run); this one by default.
const DEVENV = process.env.DEVENV_BIN ?? PROJECT_DEVENV;
// Any free port: a devenv already serving /metrics on 9469 must not change what is measured.
const ENV = { ...process.env, DEVENV_METRICS_PORT: '0' };
const dir = await mkdtemp(join(tmpdir(), 'devenv-bench-own-start-'));

function compose(name: string, services: string): Promise<string> {
  const path = join(dir, `${name}.yaml`);
  return writeFile(path, `name: ${name}\nservices:\n${services}`).then(() => path);
}

function launch(args: readonly string[], stdio: 'ignore' | 'pipe' = 'ignore'): ChildProcess {
  return spawn(DEVENV, args, { cwd: dir, env: ENV, stdio: ['ignore', stdio, stdio] });
}

async function firstSpawn(): Promise<{ devenv: number; byHand: number }> {
  const script = (fifo: string) => `echo spawned > ${fifo}; exec sleep 1000`;
  const file = (fifo: string) =>
    compose(
      'first',
      `  s:\n    x-devenv:\n      native:\n        command: [sh, -c, ${JSON.stringify(script(fifo))}]\n`,
    );
  const devenv: number[] = [];
  const byHand: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const path = await file(join(dir, 'fifo-first'));
    spawnSync('rm', ['-f', join(dir, 'fifo-first')]);
    devenv.push(await untilFifoAt(join(dir, 'fifo-first'), () => launch(['up', '-f', path])));
    const fifo = join(dir, 'fifo-by-hand');
    spawnSync('rm', ['-f', fifo]);
    byHand.push(
      await untilFifoAt(fifo, () => spawn('sh', ['-c', script(fifo)], { stdio: 'ignore' })),
    );
  }
  return { devenv: median(devenv), byHand: median(byHand) };
}

/** Milliseconds from `start()` until what it started writes to the FIFO. */
async function untilFifoAt(fifo: string, start: () => ChildProcess): Promise<number> {
  spawnSync('mkfifo', [fifo]);
  const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
  await sleep(50);
  const started = performance.now();
  const child = start();
  await new Promise((resolve) => reader.stdout!.once('data', resolve));
  const ms = performance.now() - started;
  child.kill('SIGINT');
  await waitExit(child);
  reader.kill();
  return ms;
}

async function timeToExit(start: () => ChildProcess): Promise<number> {
  const started = performance.now();
  const child = start();
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`exit ${code}`);
  return performance.now() - started;
}

async function oneLine(): Promise<{ devenv: number; cpu: number; byHand: number }> {
  const path = await compose(
    'oneline',
    `  hi:\n    x-devenv:\n      native:\n        command: [echo, hi]\n`,
  );
  const times = join(dir, 'time.txt');
  const devenv: number[] = [];
  const cpu: number[] = [];
  const byHand: number[] = [];
  for (let i = 0; i < rounds; i++) {
    // GNU time around devenv: its user + system CPU, which a busy machine inflates far less.
    const timed = () =>
      spawn('/usr/bin/time', ['-o', times, '-f', '%U %S', DEVENV, 'up', '--ci', '-f', path], {
        cwd: dir,
        env: ENV,
        stdio: 'ignore',
      });
    devenv.push(await timeToExit(timed));
    const [user, system] = (await readFile(times, 'utf8')).trim().split(' ').map(Number);
    cpu.push((user! + system!) * 1000);
    byHand.push(await timeToExit(() => spawn('echo', ['hi'], { stdio: 'ignore' })));
  }
  return { devenv: median(devenv), cpu: median(cpu), byHand: median(byHand) };
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function listensLater(port: number): string[] {
  const js = `setTimeout(() => require('net').createServer().listen(${port}, '127.0.0.1'), 300); setInterval(() => {}, 1 << 30)`;
  return [NODE, '-e', js];
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function untilListening(port: number): Promise<void> {
  while (!(await accepts(port))) await sleep(2);
}

async function chain(): Promise<{ devenv: number; byHand: number }> {
  const devenv: number[] = [];
  const byHand: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const ports = await Promise.all(['a', 'b', 'c', 'd'].map(() => freePort()));
    const services = ports.map((port, k) => {
      const name = 'abcd'[k]!;
      const after =
        k > 0 ? `    depends_on:\n      ${'abcd'[k - 1]}: { condition: service_healthy }\n` : '';
      return `  ${name}:\n${after}    x-devenv:\n      native:\n        command: ${JSON.stringify(listensLater(port))}\n      probe: { tcp: { host: 127.0.0.1, port: ${port} } }\n`;
    });
    const path = await compose('chain', services.join(''));
    const started = performance.now();
    const child = launch(['up', '--ci', '-f', path]);
    await untilListening(ports[3]!);
    devenv.push(performance.now() - started);
    await waitExit(child);
    byHand.push(await chainByHand(await Promise.all(ports.map(() => freePort()))));
  }
  return { devenv: median(devenv), byHand: median(byHand) };
}

async function chainByHand(ports: readonly number[]): Promise<number> {
  const started = performance.now();
  const children: ChildProcess[] = [];
  for (const port of ports) {
    const [command, ...args] = listensLater(port);
    children.push(spawn(command!, args, { stdio: 'ignore' }));
    await untilListening(port);
  }
  const ms = performance.now() - started;
  for (const child of children) child.kill();
  return ms;
}

function rssMb(pid: number): number {
  const status = spawnSync('cat', [`/proc/${pid}/status`], { encoding: 'utf8' }).stdout;
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

function childPid(pid: number): number {
  const children = spawnSync('cat', [`/proc/${pid}/task/${pid}/children`], { encoding: 'utf8' });
  return Number(children.stdout.trim().split(/\s+/)[0]);
}

async function idleRss(): Promise<{ headless: number; tui: number }> {
  const path = await compose(
    'idle',
    `  idle:\n    x-devenv:\n      native:\n        command: [sleep, '1000']\n`,
  );
  const headless: number[] = [];
  const tui: number[] = [];
  for (let i = 0; i < Math.min(rounds, 3); i++) {
    const plain = launch(['up', '-f', path], 'pipe');
    plain.stdout!.resume();
    await sleep(3000);
    headless.push(rssMb(plain.pid!));
    plain.kill('SIGINT');
    await waitExit(plain);
    const command = `stty cols 160 rows 50; exec ${DEVENV} up -f ${path}`;
    const term = spawn('script', ['-qfc', command, '/dev/null'], {
      cwd: dir,
      env: ENV,
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    term.stdout!.resume();
    await sleep(3000);
    tui.push(rssMb(childPid(term.pid!)));
    process.kill(childPid(term.pid!), 'SIGINT');
    await waitExit(term);
  }
  return { headless: median(headless), tui: median(tui) };
}

const ms = (v: number) => `${v.toFixed(0)} ms`;
try {
  if (parts.has('first')) {
    const first = await firstSpawn();
    console.log(
      `up → first spawn:        devenv ${ms(first.devenv)}  by hand ${ms(first.byHand)}  (target ≤ 150 ms)`,
    );
  }
  if (parts.has('oneline')) {
    const line = await oneLine();
    console.log(
      `up --ci one-line → exit: devenv ${ms(line.devenv)} (CPU ${ms(line.cpu)})  by hand ${ms(line.byHand)}  (target ≤ 200 ms)`,
    );
  }
  if (parts.has('chain')) {
    const s3 = await chain();
    console.log(
      `S3 chain → d listening:  devenv ${ms(s3.devenv)}  by hand ${ms(s3.byHand)}  ratio ${(s3.devenv / s3.byHand).toFixed(2)}× (target ≤ 1.15×)`,
    );
  }
  if (parts.has('rss')) {
    const rss = await idleRss();
    console.log(
      `idle RSS:                headless ${rss.headless.toFixed(1)} MB (target ≤ 60)  TUI ${rss.tui.toFixed(1)} MB (target ≤ 110)`,
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
