import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEVENV_BIN } from '../../test/devenv-process.js';
import { useTempDirs } from '../../test/temp-dir.js';

const makeTempDir = useTempDirs();

describe('devenv whose reader goes away (devenv logs | head)', () => {
  it('exits quietly with 0 instead of dying of EPIPE with a stack trace', async () => {
    const dir = await makeTempDir();
    await writeFile(
      join(dir, 'compose.yaml'),
      'name: pipes\nservices:\n  api:\n    image: example/api:1\n',
    );
    await mkdir(join(dir, '.devenv', 'logs'), { recursive: true });
    // Far more than a pipe holds, so devenv is still writing when the reader leaves.
    const lines = Array.from(
      { length: 200_000 },
      (_, i) => `2024-05-01T10:00:00.000Z stdout line ${i}`,
    );
    await writeFile(join(dir, '.devenv', 'logs', 'api.log'), `${lines.join('\n')}\n`);

    const child = spawn(DEVENV_BIN, ['logs', '-n', '200000', '-f', join(dir, 'compose.yaml')], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Like `head -1`: read one chunk, then close the pipe.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 30_000);
});
