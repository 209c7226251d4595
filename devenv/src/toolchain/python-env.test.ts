import { createHash } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadProjectVersions } from '../../test/project-versions.js';
import { useTempDirs } from '../../test/temp-dir.js';
import { currentLockfileEnv, ensurePythonEnv } from './python-env.js';
import { createToolchain } from './toolchain.js';

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

describe('a venv built from versions.yaml libraries', () => {
  it('is refused, with nothing created, when versions.lock.yaml has no hashes for exactly those pins', async () => {
    const projectRoot = await makeTempDir();
    const versions = await loadProjectVersions();
    const lockFile = join(projectRoot, 'versions.lock.yaml');
    // The lock has the venv, resolved from another schemathesis than versions.yaml's.
    await writeFile(
      lockFile,
      stringify({
        tools: {},
        pythonEnvs: {
          schemathesis: {
            roots: ['schemathesis==0.0.1'],
            packages: { 'schemathesis==0.0.1': ['a'.repeat(64)] },
          },
        },
      }),
    );
    const options = {
      projectRoot,
      versions: { ...versions, lockFile },
      toolchain: createToolchain({ projectRoot, versions }),
      name: 'schemathesis',
      libraries: ['schemathesis-python'],
    };
    const wanted = `schemathesis==${versions.libraries['schemathesis-python']}`;
    expect(await ensurePythonEnv(options)).toEqual({
      ok: false,
      error: {
        reason: 'python-env-not-locked',
        detail: `versions.lock.yaml has no hashes for the Python environment schemathesis (${wanted}), only for schemathesis==0.0.1: npx tsx devenv/src/toolchain/refresh-lock.ts`,
      },
    });
    expect(await readdir(join(projectRoot, '.devenv')).catch(() => [])).toEqual([]);
  });
});
