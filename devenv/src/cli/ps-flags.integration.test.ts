import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devenvPs, runDevenv } from '../../test/devenv-process.js';
import { waitUntil } from '../../test/wait-until.js';

/**
 * `devenv ps` with Compose's flags against a real background devenv (`up -d`) of three native
 * services: `api` runs, `job` exits 0 by itself, `extra` is stopped with `devenv stop`.
 */
const env = { ...process.env, DEVENV_METRICS_PORT: 'off' };
let dir = '';
let file = '';

// -f: without it devenv would run this repository's own stack.
const devenv = (...args: string[]) => runDevenv(args, { cwd: dir, env, file });
const lines = (text: string) => text.split('\n').filter((line) => line !== '');

async function ps(...args: string[]): Promise<string[]> {
  const result = await devenv('ps', ...args);
  expect(result.code, result.stderr).toBe(0);
  return lines(result.stdout);
}

beforeAll(async () => {
  // Not useTempDirs: the directory outlives each test, for the whole file.
  dir = await mkdtemp(join(tmpdir(), 'devenv-ps-flags-'));
  file = join(dir, 'compose.yaml');
  const node = JSON.stringify(process.execPath);
  const forever = `[${node}, -e, "setInterval(() => {}, 1000)"]`;
  await writeFile(
    file,
    `name: psflags
services:
  api:
    image: demo/api:1
    x-devenv: { native: { command: ${forever} } }
  job:
    image: demo/job:1
    restart: "no"
    x-devenv: { native: { command: [${node}, -e, "setTimeout(() => {}, 100)"] } }
  extra:
    image: demo/extra:1
    x-devenv: { native: { command: ${forever} } }
`,
  );
  const up = await devenv('up', '-d');
  expect(up.code, up.stderr).toBe(0);
  await waitUntil(
    'job completed',
    20_000,
    () => (devenvPs(dir, ['-f', file])['job']?.phase === 'completed' ? true : undefined),
    { describe: () => JSON.stringify(devenvPs(dir, ['-f', file])) },
  );
  const stop = await devenv('stop', 'extra');
  expect(stop.code, stop.stderr).toBe(0);
  expect(devenvPs(dir, ['-f', file])['extra']?.phase).toBe('stopped');
}, 90_000);

afterAll(async () => {
  if (dir === '') return;
  const down = await devenv('down');
  expect(down.code, down.stderr).toBe(0);
  await rm(dir, { recursive: true, force: true });
});

describe('devenv ps with Compose flags, against a running stack', () => {
  it('-q prints the running service’s pid only; -a adds nothing without a process', async () => {
    const pid = devenvPs(dir, ['-f', file])['api']?.pid;
    expect(pid).toBeGreaterThan(0);
    expect(await ps('-q')).toEqual([String(pid)]);
    expect(await ps('-q', '-a')).toEqual([String(pid)]);
  });

  it('--services: running ones by default, every one with -a', async () => {
    expect(await ps('--services')).toEqual(['api']);
    expect((await ps('--services', '-a')).sort()).toEqual(['api', 'extra', 'job']);
  });

  it('--status and --filter status= select by container state; an unknown one is refused', async () => {
    expect((await ps('--services', '--status', 'exited')).sort()).toEqual(['extra', 'job']);
    expect(await ps('--services', '--filter', 'status=running')).toEqual(['api']);
    expect(await ps('--services', '--status', 'created')).toEqual([]);
    const bad = await devenv('ps', '--status', 'stopped');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'valid statuses: paused, restarting, removing, running, dead, created, exited',
    );
  });

  it("--format json: an object a line with Compose's fields and devenv's", async () => {
    const pid = devenvPs(dir, ['-f', file])['api']?.pid;
    const rows = (await ps('--format', 'json', '-a')).map(
      (line) => JSON.parse(line) as Record<string, unknown>,
    );
    const byName = Object.fromEntries(rows.map((row) => [row['Name'], row]));
    expect(Object.keys(byName).sort()).toEqual(['api', 'extra', 'job']);
    expect(byName['api']).toMatchObject({
      Service: 'api',
      State: 'running',
      ID: String(pid),
      Pid: pid,
      Runtime: 'native',
      Project: 'psflags',
      ExitCode: 0,
    });
    expect(byName['api']?.['Status']).toMatch(/^Up /);
    expect(byName['job']).toMatchObject({ State: 'exited', ExitCode: 0, Phase: 'completed' });
    expect(byName['job']?.['Status']).toMatch(/^Exited \(0\) /);
    // devenv stop sends SIGTERM: 128 + 15, as the Engine reports a container it stopped.
    expect(byName['extra']).toMatchObject({ State: 'exited', ExitCode: 143, Phase: 'stopped' });
    expect(await ps('--format', 'json')).toHaveLength(1);
  });

  it('a template, and the default table with its note on what does not run', async () => {
    expect(await ps('--format', '{{.Service}} {{.State}}', '--status', 'running')).toEqual([
      'api running',
    ]);
    const table = await ps();
    expect(table[0]).toMatch(/^NAME\s+PHASE\s+PID\s+RESTARTS\s+UPTIME\s+REASON$/);
    expect(table[1]).toMatch(/^api\s+healthy\s+\d+\s+0\s+\d+s$/);
    expect(table.slice(2)).toEqual([
      'not running (devenv ps -a lists them):',
      expect.stringMatching(/^ {2}job\s+completed/),
      expect.stringMatching(/^ {2}extra\s+stopped/),
    ]);
  });
});
