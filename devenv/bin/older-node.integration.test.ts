import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDevenv } from '../test/devenv-process.js';
import { useTempDirs } from '../test/temp-dir.js';
import { waitUntil } from '../test/wait-until.js';

const makeTempDir = useTempDirs();

/** The machine's own Node, when it is older than devenv needs (a fresh machine has Node 20). */
function olderSystemNode(): string | undefined {
  try {
    const version = execFileSync('/usr/bin/node', ['--version'], { encoding: 'utf8' });
    return Number(/^v(\d+)/.exec(version)?.[1]) < 22 ? '/usr/bin/node' : undefined;
  } catch {
    return undefined;
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.runIf(olderSystemNode())('devenv started by a system Node older than 22', () => {
  it('re-runs itself on the project Node, and SIGTERM to the first process stops devenv and its services', async () => {
    const dir = await makeTempDir();
    const pidFile = join(dir, 'service.pid');
    await writeFile(
      join(dir, 'compose.yaml'),
      `name: oldnode
services:
  api:
    image: demo/api:1
    x-devenv:
      native:
        command: [${JSON.stringify(process.execPath)}, -e, ${JSON.stringify(`require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000)`)}]
`,
    );
    // PATH without the project's node_modules/.bin: the #! line finds the system Node.
    const env = { ...process.env, PATH: '/usr/bin:/bin' };
    const run = startDevenv(['up', '--no-logs', '-f', join(dir, 'compose.yaml')], dir, env);
    try {
      await run.waitFor(/api\s+healthy/, 60_000);
      const servicePid = await waitUntil('the service to write its pid', 15_000, () =>
        existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) || undefined : undefined,
      );
      expect(alive(servicePid)).toBe(true);
      run.child.kill('SIGTERM');
      const exit = await run.exited;
      expect(exit.code).toBe(0);
      await waitUntil('the service to stop', 15_000, () => (alive(servicePid) ? undefined : true));
      expect(run.output()).toContain('SIGTERM: stopping everything');
    } finally {
      run.child.kill('SIGKILL');
    }
  }, 90_000);
});
