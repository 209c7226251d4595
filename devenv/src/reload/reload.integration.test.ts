import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devenvPs, startDevenv } from '../../test/devenv-process.js';
import { useTempDirs } from '../../test/temp-dir.js';

const makeTempDir = useTempDirs();

const ps = (dir: string) => devenvPs(dir, ['-f', join(dir, 'compose.yaml')]);

async function until<T>(read: () => T, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// The real devenv, a real file watcher, real restarts.
describe('hot reload', () => {
  it('restarts only the service whose files changed, once for a storm of 50 saves in a second', async () => {
    const dir = await makeTempDir();
    const node = JSON.stringify(process.execPath);
    for (const name of ['api', 'worker']) {
      await mkdir(join(dir, name), { recursive: true });
      await writeFile(join(dir, name, 'main.js'), `setInterval(() => {}, 1000);\n`);
    }
    await writeFile(
      join(dir, 'compose.yaml'),
      `name: reloaddemo
services:
${['api', 'worker']
  .map(
    (name) => `  ${name}:
    image: demo/${name}:1
    develop:
      watch:
        - { path: ./${name}, action: restart }
    x-devenv:
      native:
        command: [${node}, ${name}/main.js]`,
  )
  .join('\n')}
`,
    );
    const run = startDevenv(['up', '-f', join(dir, 'compose.yaml'), '--no-logs'], dir);
    try {
      await run.waitFor(/worker\s+healthy/);
      await until(
        () => ps(dir),
        (s) => s['api']?.phase === 'healthy' && s['worker']?.phase === 'healthy',
      );
      for (let i = 0; i < 50; i++) {
        await writeFile(join(dir, 'api', 'main.js'), `setInterval(() => {}, 1000); // save ${i}\n`);
      }
      const after = await until(
        () => ps(dir),
        (s) => s['api']?.restarts === 1 && s['api'].phase === 'healthy',
      );
      // Give a second storm-induced restart time to show up, were there one.
      await new Promise((r) => setTimeout(r, 1500));
      const settled = ps(dir);
      expect(settled['api']?.restarts).toBe(1);
      expect(settled['worker']?.restarts).toBe(0);
      expect(settled['worker']?.pid).toBe(after['worker']?.pid);
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
    }
  }, 60_000);

  it('restarts a service whose watch path lies outside the compose file’s directory (path: ../shared)', async () => {
    const dir = await makeTempDir();
    const project = join(dir, 'app');
    await mkdir(join(dir, 'shared'), { recursive: true });
    await mkdir(project, { recursive: true });
    await writeFile(join(dir, 'shared', 'lib.js'), `module.exports = 1;\n`);
    await writeFile(
      join(project, 'compose.yaml'),
      `name: outsidewatch
services:
  api:
    image: demo/api:1
    develop:
      watch:
        - { path: ../shared, action: restart }
    x-devenv:
      native:
        command: [${JSON.stringify(process.execPath)}, -e, 'setInterval(() => {}, 1000)']
`,
    );
    const compose = join(project, 'compose.yaml');
    const run = startDevenv(['up', '-f', compose, '--no-logs'], project);
    const psHere = () => devenvPs(project, ['-f', compose]);
    try {
      await run.waitFor(/api\s+healthy/);
      await new Promise((r) => setTimeout(r, 500)); // the watcher's initial scan
      await writeFile(join(dir, 'shared', 'lib.js'), `module.exports = 2;\n`);
      const after = await until(psHere, (s) => s['api']?.restarts === 1);
      expect(after['api']?.restarts).toBe(1);
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
    }
  }, 60_000);
});
