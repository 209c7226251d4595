/**
 * `devenv up --abort-on-container-exit | --abort-on-container-failure | --exit-code-from`, as
 * Compose's CI scripts use them: a real `devenv up` of native services in a temp directory, real
 * exits and signals, the exit status and what is left running checked.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDevenv } from '../../test/devenv-process.js';
import { useTempDirs } from '../../test/temp-dir.js';

const makeTempDir = useTempDirs('devenv-up-abort-');
const node = JSON.stringify(process.execPath);

/** A native service running `script` under Node. */
const service = (name: string, script: string) => `
  ${name}:
    image: demo/${name}:1
    x-devenv: {native: {command: [${node}, -e, ${JSON.stringify(script)}]}}`;

const LONG_RUNNING = `process.on('SIGTERM', () => { require('fs').writeFileSync('server.stopped', ''); process.exit(7); }); setInterval(() => {}, 1000)`;

async function up(
  services: string,
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string; dir: string }> {
  const dir = await makeTempDir();
  await writeFile(join(dir, 'compose.yaml'), `services:${services}\n`);
  const ran = await runDevenv(['up', '--no-watch', ...args], {
    cwd: dir,
    env: { ...process.env, DEVENV_METRICS_PORT: 'off' },
    file: 'compose.yaml',
  });
  return { ...ran, dir };
}

describe('devenv up stops everything when a service ends, as Compose does', () => {
  it('--abort-on-container-exit: the first run to end, with its status; the others are stopped', async () => {
    const run = await up(
      service('server', LONG_RUNNING) + service('task', 'setTimeout(() => process.exit(3), 500)'),
      ['--abort-on-container-exit'],
    );
    expect(run.code, run.stdout + run.stderr).toBe(3);
    expect(run.stdout).toContain(
      'task exited with code 3: stopping everything (--abort-on-container-exit)',
    );
    // The server was asked to stop (its SIGTERM handler left this file).
    await expect(
      import('node:fs/promises').then((fs) => fs.stat(join(run.dir, 'server.stopped'))),
    ).resolves.toBeDefined();
  });

  it('sees a one-shot task that ends at once', async () => {
    const run = await up(service('server', LONG_RUNNING) + service('quick', 'process.exit(5)'), [
      '--abort-on-container-exit',
    ]);
    expect(run.code, run.stdout + run.stderr).toBe(5);
  });

  it('--exit-code-from: that service’s status, even when another one ended first', async () => {
    const run = await up(
      service('server', LONG_RUNNING) + service('task', 'setTimeout(() => process.exit(3), 500)'),
      ['--exit-code-from', 'server'],
    );
    // The task's exit stops the stack; the server exits 7 on SIGTERM, and that is the status.
    expect(run.code, run.stdout + run.stderr).toBe(7);
    const unknown = await up(service('server', LONG_RUNNING), ['--exit-code-from', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--exit-code-from nope: no such service in this run');
  });

  it('--abort-on-container-failure: a clean exit does not stop the stack, a failure does', async () => {
    const run = await up(
      service('server', LONG_RUNNING) +
        service('done', 'process.exit(0)') +
        service('bad', 'setTimeout(() => process.exit(2), 1500)'),
      ['--abort-on-container-failure'],
    );
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stdout).toContain(
      'bad exited with code 2: stopping everything (--abort-on-container-failure)',
    );
    expect(run.stdout).not.toContain('done exited with code 0: stopping');
  });

  it('refuses to go with --ci or -d', async () => {
    const run = await up(service('server', LONG_RUNNING), ['--abort-on-container-exit', '--ci']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--ci cannot go with it');
  });
});
