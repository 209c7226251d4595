import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEVENV_BIN,
  devenvPs,
  runDevenv,
  startDevenv,
  type DevenvRun,
} from '../../test/devenv-process.js';

const env = { ...process.env, DEVENV_METRICS_PORT: 'off' };
const devenv = (cwd: string, ...args: string[]) => runDevenv(args, { cwd, env });

/** `web` runs node with two children of its own: a process group of three. */
function composeFile(): string {
  const node = JSON.stringify(process.execPath);
  const child = `require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })`;
  return `
name: watched
services:
  web:
    image: demo/web:1
    restart: always
    x-devenv:
      native:
        command: [${node}, -e, "${child}; ${child}; globalThis.keep = Buffer.alloc(8e6, 1); setInterval(() => {}, 1000)"]
  other:
    image: demo/other:1
    x-devenv:
      native:
        command: [${node}, -e, "setInterval(() => {}, 1000)"]
`;
}

const CLEAR = '\u001b[2J\u001b[H';
const escape = (text: string) => text.replace(/[[\]\\^$.|?*+()]/g, '\\$&');

interface EventLine {
  time: string;
  type: string;
  action: string;
  id: string;
  service: string;
  attributes: Record<string, string>;
}

/** The JSON lines a `devenv events --json` printed so far. */
function eventsOf(run: DevenvRun): EventLine[] {
  return run
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as EventLine);
}

describe('devenv events and devenv stats against a running stack', () => {
  let dir: string;
  let up: DevenvRun;
  let events: DevenvRun;
  let plain: DevenvRun;
  const ps = () => devenvPs(dir, ['-f', 'compose.yaml']);
  const web = () => eventsOf(events).filter((e) => e.service === 'web');
  /** The actions of web's events after the first `from`, polled until they read `expected`. */
  const expectActionsSince = (from: number, expected: string[]) =>
    expect
      .poll(
        () =>
          web()
            .slice(from)
            .map((e) => e.action),
        { timeout: 15_000 },
      )
      .toEqual(expected);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'devenv-events-'));
    await writeFile(join(dir, 'compose.yaml'), composeFile());
    up = startDevenv(['up', '-f', 'compose.yaml'], dir, env);
    await up.waitFor(/web\s+healthy/);
    await up.waitFor(/other\s+healthy/);
    events = startDevenv(['events', '--json', '-f', 'compose.yaml'], dir, env);
    plain = startDevenv(['events', '-f', 'compose.yaml', 'web'], dir, env);
    // Nothing is printed until something happens: a pause and unpause show both streams follow.
    const following = () => [events, plain].every((run) => run.output().includes('unpause'));
    for (let tries = 0; !following() && tries < 100; tries++) {
      await devenv(dir, 'pause', '-f', 'compose.yaml', 'web');
      await devenv(dir, 'unpause', '-f', 'compose.yaml', 'web');
    }
  }, 90_000);
  afterAll(async () => {
    if (up?.child.exitCode === null) up.child.kill('SIGINT');
    events?.child.kill('SIGINT');
    plain?.child.kill('SIGINT');
    await rm(dir, { recursive: true, force: true });
  });

  it('devenv kill: kill, then die with its status code, then stop, all naming the run', async () => {
    const { pid } = ps()['web']!;
    const from = web().length;
    expect((await devenv(dir, 'kill', '-f', 'compose.yaml', 'web')).code).toBe(0);
    await expectActionsSince(from, ['kill', 'die', 'stop']);
    const [kill, die, stop] = web().slice(from);
    expect(kill).toMatchObject({
      type: 'container',
      id: String(pid),
      attributes: { signal: 'SIGKILL' },
    });
    expect(die).toMatchObject({ id: String(pid), attributes: { name: 'web', exitCode: '137' } });
    expect(stop!.id).toBe(String(pid));
    expect(Date.parse(die!.time)).toBeGreaterThanOrEqual(Date.parse(kill!.time));
  });

  it('devenv start after a kill is a start; devenv restart is die, stop, start, restart, healthy', async () => {
    let from = web().length;
    expect((await devenv(dir, 'start', '-f', 'compose.yaml', 'web')).code).toBe(0);
    await expectActionsSince(from, ['start', 'health_status: healthy']);
    const started = ps()['web']!.pid;
    expect(web().at(-1)!.id).toBe(String(started));

    from = web().length;
    expect((await devenv(dir, 'restart', '-f', 'compose.yaml', 'web')).code).toBe(0);
    await expectActionsSince(from, ['die', 'stop', 'start', 'restart', 'health_status: healthy']);
    const [die, stop, start] = web().slice(from);
    expect([die!.id, stop!.id]).toEqual([String(started), String(started)]);
    expect(start!.id).toBe(String(ps()['web']!.pid));
    expect(eventsOf(events).some((e) => e.service === 'other' && e.action !== 'pause')).toBe(false);
  });

  it('prints plain events as Compose does, for the services named only', () => {
    const lines = plain.output().trim().split('\n');
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines)
      expect(line).toMatch(
        /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} container [a-z_: ]+ \d+ \(name=web, runtime=native(, \w+=\w+)*\)$/,
      );
    expect(plain.output()).toMatch(
      / container die \d+ \(name=web, runtime=native, exitCode=137, signal=SIGKILL\)/,
    );
  });

  it('stats --no-stream shows a native service group: its processes and its memory', async () => {
    const json = await devenv(
      dir,
      'stats',
      '-f',
      'compose.yaml',
      '--no-stream',
      '--format',
      'json',
      'web',
    );
    expect(json.code).toBe(0);
    const sample = JSON.parse(json.stdout) as Record<string, string>;
    expect(sample).toMatchObject({
      Name: 'web',
      ID: String(ps()['web']!.pid),
      PIDs: '3',
      NetIO: '--',
    });
    expect(sample['CPUPerc']).toMatch(/^\d+\.\d\d%$/);
    // The 8 MB buffer at least, in docker's units.
    expect(sample['MemUsage']).toMatch(/^\d+(\.\d+)?MiB \/ \d+(\.\d+)?GiB$/);
    expect(Number.parseFloat(sample['MemUsage']!)).toBeGreaterThan(8);

    const table = await devenv(dir, 'stats', '-f', 'compose.yaml', '--no-stream');
    const [heading, ...rows] = table.stdout.trim().split('\n');
    expect(heading).toMatch(
      /^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+NET I\/O\s+BLOCK I\/O\s+PIDS$/,
    );
    expect(rows.map((row) => row.split(/\s+/)[1])).toEqual(['web', 'other']);
  });

  it('stats streams: appends a sample a second into a pipe, redraws them on a terminal', async () => {
    const piped = startDevenv(['stats', '-f', 'compose.yaml', 'web'], dir, env);
    // script(1) gives it a terminal, as a person's: every sample clears the screen first.
    const command = [DEVENV_BIN, 'stats', '-f', 'compose.yaml', 'web'].map((a) => `'${a}'`);
    const tty = startDevenv(['-qfec', command.join(' '), '/dev/null'], dir, env, 'script');
    try {
      await piped.waitFor(/CONTAINER ID[^]*\n\d+ +web [^]*CONTAINER ID[^]*\n\d+ +web /, 15_000);
      expect(piped.output()).not.toContain(CLEAR);
      const redrawn = new RegExp(`${escape(CLEAR)}CONTAINER ID[^]*${escape(CLEAR)}CONTAINER ID`);
      await tty.waitFor(redrawn, 15_000);
    } finally {
      piped.child.kill('SIGTERM');
      tty.child.kill('SIGTERM');
      await Promise.all([piped.exited, tty.exited]);
    }
  });

  it('refuses an unknown service or format with what to do', async () => {
    const unknown = await devenv(dir, 'events', '-f', 'compose.yaml', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/devenv events: no service named "nope".*services: web, other/);
    const format = await devenv(dir, 'stats', '-f', 'compose.yaml', '--format', '{{.Cpu}}');
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/--format \{\{\.Cpu\}\}: no field \.Cpu; fields: .*CPUPerc/);
  });

  it('events ends with status 0 once the stack has stopped', async () => {
    up.child.kill('SIGINT');
    expect((await up.exited).code).toBe(0);
    expect(await events.exited).toEqual({ code: 0, signal: null });
    expect(await plain.exited).toEqual({ code: 0, signal: null });
    expect(web().at(-1)).toMatchObject({ action: 'stop' });
    const none = await devenv(dir, 'events', '-f', 'compose.yaml');
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no devenv is running for this project.*devenv up/);
  });
});
