import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';

/** Returns a maker of fresh temporary directories; each is removed after the test that made it. */
export function useTempDirs(prefix = 'devenv-test-'): () => Promise<string> {
  const made: string[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}

/**
 * A stand-in executable: a real shell script that prints `output` for any arguments. Tests of
 * resolution order use it in place of tools of chosen versions, which cannot all exist here.
 */
export async function writeStandIn(path: string, output: string): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `#!/bin/sh\necho '${output.replace(/'/g, `'\\''`)}'\n`);
  await chmod(path, 0o755);
  return path;
}
