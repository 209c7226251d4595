import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEVENV_BIN } from '../../test/devenv-process.js';
import { useTempDirs } from '../../test/temp-dir.js';

const makeTempDir = useTempDirs('devenv-no-deps-');

describe('devenv up --no-deps (Compose: do not start linked services)', () => {
  it('runs the named service alone, without waiting for a dependency it does not start', async () => {
    const dir = await makeTempDir();
    const node = JSON.stringify(process.execPath);
    await writeFile(
      join(dir, 'compose.yaml'),
      `services:
  db:
    image: example/db:1
    x-devenv: { native: { command: [/nonexistent/db-server] } }
  api:
    image: example/api:1
    depends_on: { db: { condition: service_healthy } }
    x-devenv: { native: { command: [${node}, -e, "setTimeout(() => {}, 60000)"] } }
`,
    );
    const up = (extra: string[]) =>
      promisify(execFile)(DEVENV_BIN, ['up', '--ci', '--timeout', '20', ...extra, 'api'], {
        cwd: dir,
        env: { ...process.env, DEVENV_STACK_CACHE: 'explain' },
      }).then(
        ({ stdout, stderr }) => ({ code: 0, out: stdout + stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({
          code: e.code,
          out: e.stdout + e.stderr,
        }),
      );
    const alone = await up(['--no-deps']);
    expect(alone.code, alone.out).toBe(0);
    expect(alone.out).toContain('all 1 services ready');
    expect(alone.out).not.toMatch(/\bdb\b/);
    // The same command without --no-deps starts db, which fails: the cached --no-deps run must
    // not be served for it.
    const linked = await up([]);
    expect(linked.code, linked.out).toBe(1);
    expect(linked.out).toMatch(/\bdb\b/);
  });
});
