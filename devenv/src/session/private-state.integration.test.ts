/**
 * `devenv up` under umask 000, in a project whose `.devenv/` an older devenv left open to
 * everyone: the directory, the session file, state.json, the logs and the control socket end up
 * the owner's only.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEVENV_BIN } from '../../test/devenv-process.js';
import { useTempDirs } from '../../test/temp-dir.js';
import { waitUntil } from '../../test/wait-until.js';

const makeTempDir = useTempDirs('devenv-private-');

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe('devenv up keeps .devenv private', () => {
  it('makes .devenv 0700 and what it writes there 0600, whatever the umask', async () => {
    const dir = await makeTempDir();
    const node = JSON.stringify(process.execPath);
    await writeFile(
      join(dir, 'compose.yaml'),
      `name: private
services:
  talker:
    image: example/talker:1
    x-devenv:
      native:
        command: [${node}, -e, "console.log('a token: s3cret'); setInterval(() => {}, 1000)"]
`,
    );
    const state = join(dir, '.devenv');
    await mkdir(join(state, 'logs'), { recursive: true });
    await writeFile(join(state, 'logs', 'talker.log'), 'an older line\n');
    for (const [path, bits] of [
      [state, 0o755],
      [join(state, 'logs'), 0o755],
      [join(state, 'logs', 'talker.log'), 0o644],
    ] as const)
      await chmod(path, bits);

    // A shell sets the umask devenv inherits: 000 would make every file it creates world-writable.
    const up = spawn('sh', ['-c', `umask 000; exec ${DEVENV_BIN} up -f compose.yaml`], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    up.stdout.on('data', (c: Buffer) => (output += c.toString()));
    up.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise((resolve) => up.once('exit', resolve));
    try {
      await waitUntil(
        'the log, the session file, state.json and the control socket are there',
        30_000,
        () =>
          ['logs/talker.log', 'session.json', 'state.json', 'control.sock'].every((name) =>
            existsSync(join(state, name)),
          ) || undefined,
        { describe: () => output },
      );
      await waitUntil(
        'the service has printed',
        30_000,
        () =>
          statSync(join(state, 'logs', 'talker.log')).size > 'an older line\n'.length || undefined,
      );
      expect({
        '.devenv': mode(state),
        logs: mode(join(state, 'logs')),
        'talker.log': mode(join(state, 'logs', 'talker.log')),
        'session.json': mode(join(state, 'session.json')),
        'state.json': mode(join(state, 'state.json')),
        'control.sock': mode(join(state, 'control.sock')),
      }).toEqual({
        '.devenv': '700',
        logs: '700',
        'talker.log': '600',
        'session.json': '600',
        'state.json': '600',
        'control.sock': '600',
      });
    } finally {
      up.kill('SIGINT');
      await exited;
    }
  }, 60_000);
});
