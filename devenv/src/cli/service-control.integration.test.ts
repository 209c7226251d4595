import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devenvPs, startDevenv, type DevenvRun, runDevenv } from '../../test/devenv-process.js';
import { useTempDirs } from '../../test/temp-dir.js';
import { freePort } from '../process/free-port.js';
import { groupExists } from '../runtime/process-group.js';
import { readSession } from '../session/session-file.js';

const makeTempDir = useTempDirs('devenv-control-cli-');
const env = { ...process.env, DEVENV_METRICS_PORT: 'off' };

/** `devenv <args>` run as a second terminal would, in `cwd`. */
const devenv = (cwd: string, ...args: string[]) => runDevenv(args, { cwd, env });

/**
 * `db` and `api` (which needs db) run until stopped; `web` comes back by itself when it exits;
 * `flaky` (started with the others) dies 0.3 s into every run, before its probe ever passes.
 */
function composeFile(flakyPort: number): string {
  const node = JSON.stringify(process.execPath);
  const forever = `[${node}, -e, "setInterval(() => {}, 1000)"]`;
  return `
name: controlled
services:
  db:
    image: demo/db:1
    x-devenv:
      native:
        command: ${forever}
  api:
    image: demo/api:1
    depends_on:
      db: { condition: service_started }
    x-devenv:
      native:
        command: ${forever}
  web:
    image: demo/web:1
    restart: always
    x-devenv:
      native:
        command: ${forever}
  flaky:
    image: demo/flaky:1
    x-devenv:
      native:
        command: [${node}, -e, "setTimeout(() => process.exit(3), 300)"]
      probe: { tcp: { host: 127.0.0.1, port: ${flakyPort} } }
`;
}

async function projectDir(): Promise<string> {
  const dir = await makeTempDir();
  await writeFile(join(dir, 'compose.yaml'), composeFile(await freePort()));
  return dir;
}

function groupOf(dir: string, service: string): number {
  const leftover = readSession(join(dir, '.devenv', 'session.json'))?.services[service];
  if (leftover?.kind !== 'process-group') throw new Error(`${service} has no process group`);
  return leftover.pgid;
}

describe('devenv restart|stop|start against a running stack', () => {
  let dir: string;
  let up: DevenvRun;
  beforeAll(async () => {
    // Not useTempDirs: the directory outlives each test, for the whole describe.
    dir = await mkdtemp(join(tmpdir(), 'devenv-control-cli-'));
    await writeFile(join(dir, 'compose.yaml'), composeFile(await freePort()));
    up = startDevenv(['up', '-f', 'compose.yaml'], dir, env);
    await up.waitFor(/flaky\s+crashed/);
    await up.waitFor(/web\s+healthy/);
  }, 60_000);
  afterAll(async () => {
    up?.child.kill('SIGINT');
    expect((await up?.exited)?.code).toBe(0);
    await rm(dir, { recursive: true, force: true });
  });

  it('restart: a new pid and one restart, in devenv ps at once; the old process is gone', async () => {
    const before = devenvPs(dir, ['-f', 'compose.yaml'])['api']!;
    const oldGroup = groupOf(dir, 'api');
    const { code, stdout } = await devenv(dir, 'restart', '-f', 'compose.yaml', 'api');
    expect(code).toBe(0);
    // Written before the answer, not up to 200 ms later: read at once, it has the new process.
    const written = JSON.parse(readFileSync(join(dir, '.devenv', 'state.json'), 'utf8')) as {
      state: { services: Record<string, { pid?: number }> };
    };
    expect(stdout).toContain(`(pid ${written.state.services['api']?.pid})`);
    const after = devenvPs(dir, ['-f', 'compose.yaml'])['api']!;
    expect(after).toMatchObject({ phase: 'healthy', restarts: before.restarts + 1 });
    expect(after.pid).not.toBe(before.pid);
    expect(stdout.trim()).toBe(
      `api  restarted: ready (pid ${after.pid}), restarts ${after.restarts}`,
    );
    expect(groupExists(oldGroup)).toBe(false);
    // devenv up shows it go down and come back.
    await up.waitFor(/api\s+stopping/);
  });

  it('stop keeps a service down, whatever its restart policy, until start', async () => {
    const oldGroup = groupOf(dir, 'web');
    const stopped = await devenv(dir, 'stop', '-f', 'compose.yaml', 'web');
    expect(stopped).toMatchObject({ code: 0, stdout: 'web  stopped; stays down until started\n' });
    expect(groupExists(oldGroup)).toBe(false);
    const web = devenvPs(dir, ['-f', 'compose.yaml'])['web']!;
    expect(web).toMatchObject({ phase: 'stopped', userStopped: true });
    expect(web.pid).toBeUndefined();

    const started = await devenv(dir, 'start', '-f', 'compose.yaml', 'web');
    expect(started.code).toBe(0);
    const again = devenvPs(dir, ['-f', 'compose.yaml'])['web']!;
    expect(again).toMatchObject({ phase: 'healthy', userStopped: false });
    expect(started.stdout.trim()).toBe(
      `web  started: ready (pid ${again.pid}), restarts ${again.restarts}`,
    );
  });

  it('--json, and no names: every service of the running stack, each with its result', async () => {
    const { code, stdout, stderr } = await devenv(dir, 'restart', '-f', 'compose.yaml', '--json');
    expect(code).toBe(1);
    const results = JSON.parse(stdout) as Record<string, { ok: boolean; reason?: string }>;
    expect(Object.keys(results)).toEqual(['db', 'api', 'web', 'flaky']);
    expect(results['db']).toMatchObject({
      ok: true,
      phase: 'healthy',
      restarts: expect.any(Number),
    });
    expect(results['flaky']).toMatchObject({
      ok: false,
      reason: 'crashed',
      message: 'crashed: exited with code 3',
    });
    expect(stderr).toContain('devenv restart: 1 of 4 failed; `devenv logs flaky` shows why');
    const ps = devenvPs(dir, ['-f', 'compose.yaml']);
    for (const name of ['db', 'api', 'web'])
      expect((results[name] as { pid?: number }).pid).toBe(ps[name]!.pid);
  });

  it('refuses a service the running stack does not have, with exit 2 and the services it has', async () => {
    const { code, stderr } = await devenv(dir, 'restart', '-f', 'compose.yaml', 'api', 'nope');
    expect(code).toBe(2);
    expect(stderr).toContain(
      'devenv restart: no service named "nope" in the running stack; services: db, api, web, flaky',
    );
    expect(stderr).toContain('Usage: devenv restart');
  });

  it('start of a running service leaves it running', async () => {
    const before = devenvPs(dir, ['-f', 'compose.yaml'])['db']!;
    const { code, stdout } = await devenv(dir, 'start', '-f', 'compose.yaml', 'db');
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(`db  already running (pid ${before.pid})`);
  });
});

describe('devenv restart without a stack to talk to', () => {
  it('says no devenv runs this project, and how to start one', async () => {
    const dir = await projectDir();
    const { code, stderr } = await devenv(dir, 'restart', '-f', 'compose.yaml', 'api');
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      `devenv restart: no devenv is running for this project in ${dir}; start it with \`npm run dev\` or \`devenv up\``,
    );
  });

  it('after devenv was killed, says so and points at devenv down, whose reaping still works', async () => {
    const dir = await projectDir();
    const up = startDevenv(['up', '-f', 'compose.yaml'], dir, env);
    for (const settled of [/db\s+healthy/, /api\s+healthy/, /web\s+healthy/, /flaky\s+crashed/])
      await up.waitFor(settled);
    const pid = up.child.pid!;
    up.child.kill('SIGKILL');
    await up.exited;
    const { code, stderr } = await devenv(dir, 'stop', '-f', 'compose.yaml');
    expect(code).toBe(1);
    expect(stderr).toContain(
      `devenv stop: no devenv is running for this project in ${dir} (the last one, pid ${pid}, did not exit cleanly: \`devenv down\` stops what it left)`,
    );
    expect((await devenv(dir, 'down', '-f', 'compose.yaml')).stdout).toContain(
      'killed 3 leftover process group(s)',
    );
  }, 60_000);

  it('when up could not open its socket: up runs on with a warning, and restart says why it cannot reach it', async () => {
    const dir = await projectDir();
    // Something that is not a socket where the socket goes: devenv leaves it alone.
    await mkdir(join(dir, '.devenv', 'control.sock'), { recursive: true });
    const up = startDevenv(['up', '-f', 'compose.yaml'], dir, env);
    try {
      await up.waitFor(
        /devenv restart\/stop\/start will not reach this stack: .*control\.sock exists and is not a socket \(remove it\)/,
      );
      await up.waitFor(/web\s+healthy/);
      const { code, stderr } = await devenv(dir, 'restart', '-f', 'compose.yaml', 'api');
      expect(code).toBe(1);
      expect(stderr).toContain(
        `devenv restart: devenv (pid ${up.child.pid}) runs this stack but does not answer on ${join(dir, '.devenv', 'control.sock')}`,
      );
    } finally {
      up.child.kill('SIGINT');
    }
    expect((await up.exited).code).toBe(0);
  }, 60_000);
});
