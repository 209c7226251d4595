import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devenvPs, startDevenv, type DevenvRun, runDevenv } from '../../test/devenv-process.js';
import { useTempDirs } from '../../test/temp-dir.js';
import { freePort } from '../process/free-port.js';
import { readProcStatSync } from '../runtime/proc-stat.js';

const makeTempDir = useTempDirs('devenv-signal-cli-');
const env = { ...process.env, DEVENV_METRICS_PORT: 'off' };

/** `devenv <args>` run as a second terminal would, in `cwd`. */
const devenv = (cwd: string, ...args: string[]) => runDevenv(args, { cwd, env });

/** Writes down each signal it traps; SIGUSR2 (its stop_signal) ends it. Answers HTTP while it runs. */
const TRAP_SCRIPT = `
const fs = require('node:fs');
const write = (line) => fs.appendFileSync(process.env.SIGNAL_LOG, line + '\\n');
process.on('SIGHUP', () => write('SIGHUP'));
process.on('SIGUSR2', () => { write('SIGUSR2'); process.exit(0); });
require('node:http').createServer((_, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');
`;

/**
 * `trap` (stop_signal SIGUSR2) has an HTTP probe that fails quickly while it does not answer:
 * frozen, it would be replaced within ~0.5 s unless its probes wait. `web` restarts always and
 * stops with SIGTERM; `plain` restarts always and sets no stop_signal.
 */
function composeFile(port: number): string {
  const node = JSON.stringify(process.execPath);
  const forever = `[${node}, -e, "setInterval(() => {}, 1000)"]`;
  return `
name: signalled
services:
  trap:
    image: demo/trap:1
    stop_signal: SIGUSR2
    ports: ["127.0.0.1:${port}:8080"]
    environment:
      SIGNAL_LOG: signals.log
      PORT: "${port}"
    x-devenv:
      native:
        command: [${node}, trap.js]
      probe: { http: "http://127.0.0.1:${port}/", period: 100ms, timeout: 200ms, failure_threshold: 2 }
  web:
    image: demo/web:1
    restart: always
    stop_signal: SIGTERM
    x-devenv:
      native:
        command: ${forever}
  plain:
    image: demo/plain:1
    restart: always
    x-devenv:
      native:
        command: ${forever}
  pair:
    image: demo/pair:1
    x-devenv:
      native:
        command: [sh, -c, "sleep 1001 & sleep 1002 & wait"]
`;
}

function procState(pid: number): string | undefined {
  return readProcStatSync(pid)?.state;
}

describe('devenv kill|pause|unpause against a running stack', () => {
  let dir: string;
  let up: DevenvRun;
  let trapPort: number;
  const ps = () => devenvPs(dir, ['-f', 'compose.yaml']);
  const signals = () =>
    existsSync(join(dir, 'signals.log')) ? readFileSync(join(dir, 'signals.log'), 'utf8') : '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'devenv-signal-cli-'));
    trapPort = await freePort();
    await writeFile(join(dir, 'compose.yaml'), composeFile(trapPort));
    await writeFile(join(dir, 'trap.js'), TRAP_SCRIPT);
    up = startDevenv(['up', '-f', 'compose.yaml'], dir, env);
    await up.waitFor(/trap\s+healthy/);
    await up.waitFor(/plain\s+healthy/);
    await up.waitFor(/web\s+healthy/);
    await up.waitFor(/pair\s+healthy/);
    // `ps` reads the state file, written up to 200 ms after a change: wait until it shows the runs.
    const shown = () => ['trap', 'plain', 'web', 'pair'].every((name) => ps()[name]?.pid);
    for (let tries = 0; !shown(); tries++) {
      if (tries === 100) throw new Error('devenv ps never showed the four services running');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 60_000);
  afterAll(async () => {
    up?.child.kill('SIGINT');
    expect((await up?.exited)?.code).toBe(0);
    await rm(dir, { recursive: true, force: true });
  });

  it('kill -s SIGHUP reaches the process, which traps it and keeps running', async () => {
    const before = ps()['trap']!;
    const { code, stdout } = await devenv(dir, 'kill', '-f', 'compose.yaml', '-s', 'HUP', 'trap');
    expect({ code, stdout: stdout.trim() }).toEqual({ code: 0, stdout: 'trap  sent SIGHUP' });
    await expect.poll(signals).toBe('SIGHUP\n');
    expect(ps()['trap']).toMatchObject({ phase: 'healthy', pid: before.pid, restarts: 0 });
  });

  it('pause freezes the process group, its probes wait; unpause lets it run again', async () => {
    const { pid } = ps()['trap']!;
    const paused = await devenv(dir, 'pause', '-f', 'compose.yaml', 'trap');
    expect({ code: paused.code, stdout: paused.stdout.trim() }).toEqual({
      code: 0,
      stdout: 'trap  paused',
    });
    expect(procState(pid!)).toBe('T');
    expect(ps()['trap']).toMatchObject({ paused: true, pid });
    expect((await devenv(dir, 'ps', '-f', 'compose.yaml')).stdout).toMatch(/trap\s+paused/);
    // Ten probe periods: a probe that ran would have failed twice and had it replaced.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(procState(pid!)).toBe('T');
    expect(ps()['trap']).toMatchObject({ phase: 'healthy', pid, restarts: 0, paused: true });

    const resumed = await devenv(dir, 'unpause', '-f', 'compose.yaml');
    expect({ code: resumed.code, stdout: resumed.stdout.trim() }).toEqual({
      code: 0,
      stdout: 'trap  unpaused',
    });
    expect(procState(pid!)).not.toBe('T');
    expect(ps()['trap']).toMatchObject({ phase: 'healthy', pid, restarts: 0, paused: false });
  });

  it('kill with another signal than the stop_signal leaves the exit to the restart policy', async () => {
    const before = ps()['web']!;
    const { code } = await devenv(dir, 'kill', '-f', 'compose.yaml', '-s', 'SIGINT', 'web');
    expect(code).toBe(0);
    await expect
      .poll(() => ps()['web'], { timeout: 15_000 })
      .toMatchObject({ phase: 'healthy', restarts: before.restarts + 1 });
  });

  it('wait blocks until the run ends and prints its status code as a container reports it', async () => {
    let answered = false;
    const waiting = devenv(dir, 'wait', '-f', 'compose.yaml', 'web').finally(
      () => (answered = true),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(answered).toBe(false);
    // web's stop_signal: the run ends for good.
    const { code } = await devenv(dir, 'kill', '-f', 'compose.yaml', '-s', 'SIGTERM', 'web');
    expect(code).toBe(0);
    expect(await waiting).toMatchObject({ code: 143, stdout: 'web exited with status code 143\n' });
    // Not running: at once, with how its last run ended.
    expect(await devenv(dir, 'wait', '-f', 'compose.yaml', 'web')).toMatchObject({
      code: 143,
      stdout: 'web exited with status code 143\n',
    });
    expect(ps()['web']).toMatchObject({ phase: 'stopped' });
  });

  it('kill -s HUP of a service without stop_signal does not end the run: the exit it causes is restarted', async () => {
    const before = ps()['plain']!;
    const { code, stdout } = await devenv(dir, 'kill', '-f', 'compose.yaml', '-s', 'HUP', 'plain');
    expect({ code, stdout }).toEqual({ code: 0, stdout: 'plain  sent SIGHUP\n' });
    // Not "…; stays down until started": the run is not taken as ended, so nothing waits for it.
    await expect
      .poll(() => ps()['plain'], { timeout: 15_000 })
      .toMatchObject({ phase: 'healthy', restarts: before.restarts + 1 });
  });

  it('kill (SIGKILL) of a restart: always service leaves it down until started', async () => {
    const { code, stdout } = await devenv(dir, 'kill', '-f', 'compose.yaml', 'plain');
    expect(code).toBe(0);
    expect(stdout.trim()).toBe('plain  sent SIGKILL: killed by SIGKILL; stays down until started');
    expect(ps()['plain']).toMatchObject({ phase: 'stopped', restarts: 1 });
    expect(ps()['plain']?.pid).toBeUndefined();
    // Its restart policy would have brought it back within its first backoff step (~0.1 s).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(ps()['plain']).toMatchObject({ phase: 'stopped', restarts: 1 });

    const again = await devenv(dir, 'pause', '-f', 'compose.yaml', 'plain');
    expect(again.code).toBe(1);
    expect(again.stdout).toContain(
      'not running (stopped): nothing to pause; `devenv start plain` starts it',
    );
    expect((await devenv(dir, 'start', '-f', 'compose.yaml', 'plain')).code).toBe(0);
    expect(ps()['plain']).toMatchObject({ phase: 'healthy', restarts: 2 });
  });

  it('port prints where a running native service listens', async () => {
    const { stdout, code } = await devenv(dir, 'port', '-f', 'compose.yaml', 'trap', '8080');
    expect(code).toBe(0);
    expect(stdout).toBe(`127.0.0.1:${trapPort}\n`);
  });

  it('stop sends the stop_signal natively, and resumes a paused service to receive it', async () => {
    expect((await devenv(dir, 'pause', '-f', 'compose.yaml', 'trap')).code).toBe(0);
    const { code } = await devenv(dir, 'stop', '-f', 'compose.yaml', 'trap');
    expect(code).toBe(0);
    expect(signals()).toBe('SIGHUP\nSIGUSR2\n');
    expect(ps()['trap']).toMatchObject({ phase: 'stopped', lastExit: { code: 0 } });
  });

  it("top lists the processes of a service's process group as Compose does", async () => {
    const { pid } = ps()['pair']!;
    const { code, stdout } = await devenv(dir, 'top', '-f', 'compose.yaml', 'pair');
    expect(code).toBe(0);
    const [header, ...rows] = stdout.trimEnd().split('\n');
    expect(header!.split(/\s+/)).toEqual([
      'SERVICE',
      '#',
      'UID',
      'PID',
      'PPID',
      'C',
      'STIME',
      'TTY',
      'TIME',
      'CMD',
    ]);
    const cells = rows.map((row) => row.split(/\s+/));
    expect(cells.map((row) => [row[0], row[1], row[3], row[7]])).toEqual([
      ['pair', '1', String(pid), '?'],
      ['pair', '1', expect.any(String), '?'],
      ['pair', '1', expect.any(String), '?'],
    ]);
    expect(rows[0]).toMatch(/sh -c sleep 1001 & sleep 1002 & wait$/);
    // The sleeps are the shell's children.
    expect(cells.slice(1).map((row) => row[4])).toEqual([String(pid), String(pid)]);
    expect(
      rows
        .slice(1)
        .map((row) => row.replace(/.*\s(sleep \d+)$/, '$1'))
        .sort(),
    ).toEqual(['sleep 1001', 'sleep 1002']);
  });

  it('port refuses a port the service does not publish, and an unknown protocol', async () => {
    const port = await devenv(dir, 'port', '-f', 'compose.yaml', 'pair', '8080');
    expect(port.code).toBe(1);
    expect(port.stderr).toContain(
      'devenv port: pair: no port 8080/tcp in its ports: it publishes none',
    );
    const udp = await devenv(dir, 'port', '-f', 'compose.yaml', '--protocol', 'sctp', 'pair', '80');
    expect(udp.code).toBe(2);
    expect(udp.stderr).toContain('--protocol sctp: expected tcp or udp');
  });

  it('refuses an unknown signal and an unknown service as usage errors', async () => {
    const signal = await devenv(dir, 'kill', '-f', 'compose.yaml', '-s', 'SIGFOO', 'web');
    expect(signal.code).toBe(2);
    expect(signal.stderr).toContain('devenv kill: -s SIGFOO: unknown signal "SIGFOO"');
    const stop = await devenv(dir, 'kill', '-f', 'compose.yaml', '-s', 'STOP', 'web');
    expect(stop.code).toBe(2);
    expect(stop.stderr).toContain('`devenv pause`');
    const unknown = await devenv(dir, 'pause', '-f', 'compose.yaml', 'nosuch');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no service named "nosuch" in the running stack');
  });
});

describe('devenv kill without a running devenv', () => {
  it('says so and how to start one', async () => {
    const dir = await makeTempDir();
    await writeFile(join(dir, 'compose.yaml'), composeFile(await freePort()));
    const { code, stderr } = await devenv(dir, 'kill', '-f', 'compose.yaml', 'web');
    expect(code).toBe(1);
    expect(stderr).toContain('devenv kill: no devenv is running for this project');
    expect(stderr).toContain('`devenv up`');
  });
});

describe('devenv wait --down-project', () => {
  it('prints the exit, then stops the whole stack', async () => {
    const dir = await makeTempDir();
    const node = JSON.stringify(process.execPath);
    await writeFile(
      join(dir, 'compose.yaml'),
      `
name: waited
services:
  job:
    image: demo/job:1
    x-devenv:
      native:
        command: [${node}, -e, "setTimeout(() => process.exit(3), 1000)"]
  server:
    image: demo/server:1
    x-devenv:
      native:
        command: [${node}, -e, "setInterval(() => {}, 1000)"]
`,
    );
    const up = startDevenv(['up', '-f', 'compose.yaml'], dir, env);
    await up.waitFor(/server\s+healthy/);
    const waited = await devenv(dir, 'wait', '-f', 'compose.yaml', '--down-project', 'job');
    expect(waited).toMatchObject({
      code: 3,
      stdout: expect.stringMatching(/^job exited with status code 3\n/),
    });
    expect((await up.exited).code).toBe(0);
    expect((await devenv(dir, 'ps', '-f', 'compose.yaml')).stdout).toContain('not running');
  }, 60_000);
});
