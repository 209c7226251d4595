import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../project-root.js';
import type { CommandContext } from './command.js';
import { main } from './main.js';

async function run(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CommandContext = {
    projectRoot: PROJECT_ROOT,
    env: {},
    stdout: {},
    out: (text) => out.push(text),
    err: (text) => err.push(text),
  };
  return { code: await main(argv, ctx), out, err };
}

const VERSION = (
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

describe('devenv version', () => {
  it('prints the version of package.json and the Node running it; --version and -v too', async () => {
    for (const argv of [['version'], ['--version'], ['-v']]) {
      const { code, out } = await run(...argv);
      expect(code).toBe(0);
      expect(out).toEqual([`devenv version ${VERSION} (Node ${process.version})`]);
    }
    expect((await run('version', '--short')).out).toEqual([VERSION]);
    expect(JSON.parse((await run('version', '--format', 'json')).out[0]!)).toEqual({
      version: VERSION,
      node: process.version,
      bundled: false,
    });
  });

  it('refuses another format with its usage', async () => {
    const { code, err } = await run('version', '--format', 'yaml');
    expect(code).toBe(2);
    expect(err[0]).toContain('--format yaml: expected json');
  });
});
