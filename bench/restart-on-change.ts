// S4 of issue #21: append to a watched file → the new process answers with it. devenv restarts
// the service on the change (develop.watch, action restart: its debounce, SIGTERM, spawn); the
// floor in the same run is the same restart by hand: kill the process, start it again, poll it.
// The service is a small HTTP server that reads the watched file once at start and serves it.
// Target: devenv ≤ 2× by hand. Rounds alternate the two, medians printed.
// Run: npx tsx bench/restart-on-change.ts [rounds]
// Another build of devenv (e.g. a checkout of an older commit): DEVENV_BIN=<its devenv/bin/devenv.js>
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../devenv/src/process/free-port.js';
import { DEVENV, median, waitExit } from './devenv-run.js';

const rounds = Number(process.argv[2] ?? 7);

const SERVER = `const { readFileSync } = require('node:fs');
const content = readFileSync(process.argv[3], 'utf8');
require('node:http').createServer((_, res) => res.end(content)).listen(Number(process.argv[2]), '127.0.0.1');`;

// Outside the repository: a project inside it would share the repository's .devenv/ state.
const dir = await mkdtemp(join(tmpdir(), 'devenv-bench-restart-on-change-'));
const watched = join(dir, 'watched', 'content.txt');
// The by-hand server's own file: devenv must not restart on its appends.
const unwatched = join(dir, 'unwatched.txt');
await mkdir(join(dir, 'watched'));
await writeFile(watched, 'start\n');
await writeFile(unwatched, 'start\n');
await writeFile(join(dir, 'server.cjs'), SERVER);

/** Polls the server until its answer ends with `marker`; the ms from `since`. */
async function answers(port: number, marker: string, since: number): Promise<number> {
  const deadline = since + 30_000;
  for (;;) {
    const body = await fetch(`http://127.0.0.1:${port}/`).then(
      (r) => r.text(),
      () => '',
    );
    if (body.endsWith(marker)) return performance.now() - since;
    if (performance.now() > deadline) throw new Error(`no answer with ${marker.trim()} in 30 s`);
    await new Promise((r) => setImmediate(r));
  }
}

function startServer(port: number): ChildProcess {
  return spawn(process.execPath, [join(dir, 'server.cjs'), String(port), unwatched], {
    stdio: 'ignore',
  });
}

/** The floor: the file changes, then a person's restart — kill, start, poll until it answers. */
async function byHand(round: number): Promise<number> {
  const port = await freePort();
  let server = startServer(port);
  await waitUntilAnswering(port);
  const marker = `hand ${round}\n`;
  const since = performance.now();
  await appendFile(unwatched, marker);
  server.kill('SIGTERM');
  await waitExit(server);
  server = startServer(port);
  const ms = await answers(port, marker, since);
  server.kill('SIGTERM');
  await waitExit(server);
  return ms;
}

async function waitUntilAnswering(port: number): Promise<void> {
  for (;;) {
    const up = await fetch(`http://127.0.0.1:${port}/`).then(
      () => true,
      () => false,
    );
    if (up) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

const port = await freePort();
await writeFile(
  join(dir, 'compose.yaml'),
  `name: restartonchange
services:
  server:
    image: bench/server:1
    develop:
      watch:
        - { path: ./watched, action: restart }
    x-devenv:
      native:
        command: [${JSON.stringify(process.execPath)}, server.cjs, "${port}", ${JSON.stringify(watched)}]
`,
);
const devenv = spawn(
  process.env['DEVENV_BIN'] ?? DEVENV,
  ['up', '--no-logs', '-f', join(dir, 'compose.yaml')],
  {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
devenv.stdout.resume();
devenv.stderr.resume();
const hand: number[] = [];
const viaDevenv: number[] = [];
try {
  await waitUntilAnswering(port);
  // The watcher's initial scan: a change before it is done is not seen.
  await new Promise((r) => setTimeout(r, 2_000));
  for (let i = 0; i < rounds; i++) {
    hand.push(await byHand(i));
    const marker = `devenv ${i}\n`;
    const since = performance.now();
    await appendFile(watched, marker);
    viaDevenv.push(await answers(port, marker, since));
    // Let the restart settle before the next round's by-hand server takes the CPU.
    await new Promise((r) => setTimeout(r, 500));
  }
} finally {
  devenv.kill('SIGINT');
  await waitExit(devenv);
  await rm(dir, { recursive: true, force: true });
}
const f = (values: number[]) => `${median(values).toFixed(0)} ms`;
const list = (values: number[]) => values.map((v) => v.toFixed(0)).join(', ');
console.log(`medians of ${rounds} rounds`);
console.log(
  `by hand: append, kill + start the server until it answers: ${f(hand)}   [${list(hand)}]`,
);
console.log(
  `devenv: append → the restarted server answers: ${f(viaDevenv)}   [${list(viaDevenv)}]`,
);
console.log(`ratio = ${(median(viaDevenv) / median(hand)).toFixed(3)} (target ≤ 2)`);
