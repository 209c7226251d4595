import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../../test/temp-dir.js';
import { currentLockfileEnv } from './python-env.js';

const makeTempDir = useTempDirs();

describe('finding a venv already built from a lockfile', () => {
  it('finds it while the lockfile is the one it was built from, and not after an edit', async () => {
    const projectRoot = await makeTempDir();
    const lock = 'requirements.lock';
    await writeFile(join(projectRoot, lock), 'temporalio==1.0 --hash=sha256:aa\n');
    const options = { projectRoot, name: 'w', requirementsFile: lock };
    expect(await currentLockfileEnv(options)).toBeUndefined(); // not built yet
    const dir = join(projectRoot, '.devenv', 'python', 'w');
    await mkdir(dir, { recursive: true });
    // The marker ensurePythonEnv writes: the pins, then the lockfile's SHA-256.
    const sha = createHash('sha256').update('another lockfile').digest('hex');
    await writeFile(
      join(dir, 'devenv-pins.json'),
      `${JSON.stringify([`${lock}#sha256=${sha}`])}\n`,
    );
    expect(await currentLockfileEnv(options)).toBeUndefined(); // another lockfile's marker
    const real = createHash('sha256').update('temporalio==1.0 --hash=sha256:aa\n').digest('hex');
    await writeFile(
      join(dir, 'devenv-pins.json'),
      `${JSON.stringify([`${lock}#sha256=${real}`])}\n`,
    );
    expect(await currentLockfileEnv(options)).toEqual({ dir, python: join(dir, 'bin', 'python') });
    await writeFile(join(projectRoot, lock), 'temporalio==1.1 --hash=sha256:bb\n');
    expect(await currentLockfileEnv(options)).toBeUndefined();
  });
});
