/**
 * `devenv exec postgres psql -c 'select 1'` as a Docker Compose user types it, on the shipped
 * stack's postgres service (natively, devenv's postgres-server launcher): psql finds the server,
 * the user and the database through the PG* variables the compose file gives the service.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVENV_BIN, startDevenv, type DevenvRun } from '../../test/devenv-process.js';
import { acquireStackLock } from '../../test/stack-lock.js';
import { PROJECT_ROOT } from '../project-root.js';

const env = { ...process.env, DEVENV_METRICS_PORT: 'off' };

async function exec(
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(DEVENV_BIN, ['exec', ...args], {
      cwd: PROJECT_ROOT,
      env,
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (thrown) {
    const e = thrown as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('devenv exec on the shipped postgres service', () => {
  let release: (() => Promise<void>) | undefined;
  let up: DevenvRun | undefined;

  beforeAll(async () => {
    release = await acquireStackLock(1_500_000);
  }, 1_600_000);

  afterAll(async () => {
    if (up && up.child.exitCode === null) {
      up.child.kill('SIGINT');
      await up.exited;
    }
    await release?.();
  }, 120_000);

  it("psql -c 'select 1' answers, as the project's user in its database", async () => {
    up = startDevenv(['up', '--no-watch', 'postgres'], PROJECT_ROOT, env);
    await up.waitFor(/postgres\s+healthy/, 120_000);
    const select = await exec(['postgres', 'psql', '-c', 'select 1']);
    expect(select.code, select.stderr).toBe(0);
    expect(select.stdout).toMatch(/\?column\?\s*\n-+\s*\n\s*1\s*\n\(1 row\)/);
    const who = await exec(['postgres', 'psql', '-tAc', 'select current_user, current_database()']);
    expect(who.stdout.trim()).toBe('timecop|timecop');
  }, 180_000);
});
