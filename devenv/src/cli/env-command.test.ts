import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../../test/temp-dir.js';
import { PROJECT_ROOT } from '../project-root.js';
import { createSessionSecret } from '../session/session-secret.js';
import type { CommandContext } from './command.js';
import { envCommand } from './env-command.js';

const tempDir = useTempDirs('env-command-');

/** A project outside the repository: its state (and token) lives in its own .devenv/. */
async function project(): Promise<{ dir: string; file: string }> {
  const dir = await tempDir();
  const file = join(dir, 'compose.yaml');
  await writeFile(file, 'services:\n  app:\n    image: busybox\n');
  return { dir, file };
}

function context(): CommandContext & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    projectRoot: PROJECT_ROOT,
    env: {},
    stdout: {},
    out: (text) => lines.push(text),
    err: (text) => errors.push(text),
    lines,
    errors,
  };
}

describe('devenv env', () => {
  it('prints the running session’s token: export lines, --token alone, --json', async () => {
    const { dir, file } = await project();
    const token = createSessionSecret(join(dir, '.devenv'));
    if (!token.ok) throw new Error(token.error);
    const exports = context();
    expect(await envCommand(['--file', file], exports)).toBe(0);
    expect(exports.lines.join('\n')).toBe(
      `export DEVENV_SESSION_TOKEN=${token.value}\nexport DISPATCHER_URL=http://127.0.0.1:7070`,
    );
    const bare = context();
    expect(await envCommand(['--file', file, '--token'], bare)).toBe(0);
    expect(bare.lines).toEqual([token.value]);
    const json = context();
    expect(await envCommand(['--file', file, '--json'], json)).toBe(0);
    expect(JSON.parse(json.lines[0]!)).toEqual({
      DEVENV_SESSION_TOKEN: token.value,
      DISPATCHER_URL: 'http://127.0.0.1:7070',
    });
  });

  it('exits 1 and says to start the stack when no session runs', async () => {
    const { file } = await project();
    const ctx = context();
    expect(await envCommand(['--file', file, '--token'], ctx)).toBe(1);
    expect(ctx.lines).toEqual([]);
    expect(ctx.errors.join('\n')).toContain('npx devenv up');
  });
});
