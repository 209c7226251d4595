/**
 * `devenv up --pull` reaches the docker runtime: with `--pull never` an absent image is refused
 * before anything is asked of a registry (real Docker Engine; no registry is needed for this).
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEVENV_BIN } from '../../test/devenv-process.js';
import { requireDockerEngine } from '../../test/docker-engine.js';
import { useTempDirs } from '../../test/temp-dir.js';

const makeTempDir = useTempDirs('devenv-up-pull-');

beforeAll(async () => {
  await requireDockerEngine();
});

describe('devenv up --pull', () => {
  it('never: an absent image is refused, naming the flag, without a pull', async () => {
    const dir = await makeTempDir();
    const image = `devenv-test-absent-${process.pid}:1`;
    await writeFile(join(dir, 'compose.yaml'), `services:\n  cache:\n    image: ${image}\n`);
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve) =>
      execFile(
        DEVENV_BIN,
        [
          'up',
          '-f',
          'compose.yaml',
          '--ci',
          '--timeout',
          '30',
          '--runtime',
          'docker',
          '--pull',
          'never',
        ],
        { cwd: dir, env: { ...process.env, DEVENV_METRICS_PORT: 'off' }, timeout: 60_000 },
        (error, stdout, stderr) => {
          const exit = (error as { code?: unknown } | null)?.code;
          resolve({
            code: typeof exit === 'number' ? exit : error ? 1 : 0,
            output: stdout + stderr,
          });
        },
      ),
    );
    expect(code, output).toBe(1);
    expect(output).toContain(`image ${image} is not present locally, and --pull never`);
  });
});
