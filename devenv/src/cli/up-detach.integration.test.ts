import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { devenvPs, runDevenv } from '../../test/devenv-process.js';
import { useTempDirs } from '../../test/temp-dir.js';
import { freePort } from '../process/free-port.js';
import { readSession } from '../session/session-file.js';

/** `devenv up -d` and `up --wait` (Compose's `up -d` / `up -d --wait`): a background devenv. */
const makeTempDir = useTempDirs('devenv-up-detach-');
const started: string[] = [];

// -f: without it devenv would run this repository's own stack.
const devenv = (dir: string, args: readonly string[]) =>
  runDevenv([...args, '-f', join(dir, 'compose.yaml')], { cwd: dir });

/**
 * `db` listens 300 ms after its start; `api` waits for it to be healthy; `broken` exits 3 before
 * its probe (a port nobody opens) could pass, so the stack is never ready with it.
 */
async function project(options: { broken?: boolean } = {}): Promise<string> {
  const dir = await makeTempDir();
  const node = JSON.stringify(process.execPath);
  const port = await freePort();
  const listen = `setTimeout(() => require('net').createServer().listen(${port}, '127.0.0.1'), 300)`;
  const broken = `
  broken:
    image: example/broken:1
    restart: "no"
    x-devenv:
      native: { command: [${node}, -e, "setTimeout(() => process.exit(3), 200)"] }
      probe: { tcp: { host: 127.0.0.1, port: ${await freePort()} } }`;
  await writeFile(
    join(dir, 'compose.yaml'),
    `name: detached
services:
  db:
    image: example/db:1
    x-devenv:
      native: { command: [${node}, -e, "${listen}"] }
      probe: { tcp: { host: 127.0.0.1, port: ${port} } }
  api:
    image: example/api:1
    depends_on: { db: { condition: service_healthy } }
    x-devenv: { native: { command: [${node}, -e, "setInterval(() => {}, 1000)"] } }${options.broken ? broken : ''}
`,
  );
  started.push(dir);
  return dir;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterEach(async () => {
  for (const dir of started.splice(0)) await devenv(dir, ['down']);
});

describe('devenv up -d / --wait', () => {
  it('--wait returns once every service is ready and leaves the stack to a background devenv', async () => {
    const dir = await project();
    const up = await devenv(dir, ['up', '--wait']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/✔ db\s+Healthy/);
    expect(up.stdout).toMatch(/✔ api\s+Healthy/);
    const session = readSession(join(dir, '.devenv', 'session.json'));
    expect(session && alive(session.devenvPid)).toBe(true);
    expect(
      Object.values(devenvPs(dir, ['-f', join(dir, 'compose.yaml')])).map((s) => s.phase),
    ).toEqual(['healthy', 'healthy']);
    // The background devenv writes what a foreground one prints, not the services' output.
    expect(readFileSync(join(dir, '.devenv', 'up.log'), 'utf8')).toMatch(/api/);

    const again = await devenv(dir, ['up', '-d']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`devenv (pid ${session!.devenvPid}) already runs this stack`);

    const down = await devenv(dir, ['down']);
    expect(down.code, down.stderr).toBe(0);
    const deadline = Date.now() + 10_000;
    while (alive(session!.devenvPid) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(alive(session!.devenvPid)).toBe(false);
  });

  it('--wait exits 1 naming a service that failed, and the rest keeps running', async () => {
    const dir = await project({ broken: true });
    const up = await devenv(dir, ['up', '--wait']);
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/broken: .*code 3.*devenv logs broken/);
    expect(up.stderr).toContain('the stack keeps running');
    expect(devenvPs(dir, ['-f', join(dir, 'compose.yaml')])['db']?.phase).toMatch(
      /starting|healthy/,
    );
  });

  it('-d exits once every service has started, before the slow ones are ready', async () => {
    const dir = await project();
    const up = await devenv(dir, ['up', '-d']);
    expect(up.code, up.stderr).toBe(0);
    // api starts only after db is healthy (its condition), as in Compose.
    expect(up.stdout).toMatch(/✔ db\s+Healthy/);
    expect(up.stdout).toMatch(/✔ api\s+(Started|Healthy)/);
  });

  it('refuses bad input before anything runs in the background', async () => {
    const dir = await project();
    const both = await devenv(dir, ['up', '--ci', '--wait']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain(
      '--ci stops the stack when it is ready; --wait leaves it running',
    );
    const timeout = await devenv(dir, ['up', '-d', '--wait-timeout', 'soon']);
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toContain('--wait-timeout soon: expected a number of seconds');
    await writeFile(join(dir, 'compose.yaml'), 'services:\n  db: {image: [1]}\n');
    const broken = await devenv(dir, ['up', '-d']);
    expect(broken.code).toBe(2);
    expect(readSession(join(dir, '.devenv', 'session.json'))).toBeUndefined();
  });
});
