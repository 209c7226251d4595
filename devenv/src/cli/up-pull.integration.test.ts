/**
 * `devenv up --pull` reaches the docker runtime: with `--pull never` an absent image is refused
 * before anything is asked of a registry (real Docker Engine; no registry is needed for this).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDevenv } from '../../test/devenv-process.js';
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
    const ran = await runDevenv(
      ['up', '--ci', '--timeout', '30', '--runtime', 'docker', '--pull', 'never'],
      { cwd: dir, env: { ...process.env, DEVENV_METRICS_PORT: 'off' }, file: 'compose.yaml' },
    );
    const { code } = ran;
    const output = ran.stdout + ran.stderr;
    expect(code, output).toBe(1);
    expect(output).toContain(`image ${image} is not present locally, and --pull never`);
  });
});
