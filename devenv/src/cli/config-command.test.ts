import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStack } from '../model/load-stack.js';
import { PROJECT_ROOT } from '../project-root.js';
import { useTempDirs } from '../../test/temp-dir.js';
import type { CommandContext } from './command.js';
import { main } from './main.js';

const makeTempDir = useTempDirs();

async function config(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const errors: string[] = [];
  const ctx: CommandContext = {
    projectRoot: PROJECT_ROOT,
    env,
    stdout: {},
    out: (text) => out.push(text),
    err: (text) => errors.push(text),
  };
  const code = await main(['config', ...args], ctx);
  return { code, stdout: out.join('\n'), stderr: errors.join('\n') };
}

const SMALL = `name: small
services:
  web:
    image: busybox:\${TAG:-1.36}
    profiles: [debug]
  api:
    build: ./api
    volumes: [data:/data]
    profiles: [tools, debug]
  db:
    image: postgres:16.10
volumes:
  data: {}
  logs: {}
`;

describe('devenv config', () => {
  it('prints compose/compose.yaml as a file that `devenv config -f` reads back to the same project', async () => {
    const printed = await config([]);
    expect(printed.code).toBe(0);
    expect(printed.stderr).toBe('');
    const dir = await makeTempDir();
    const file = join(dir, 'resolved.yaml');
    await writeFile(file, printed.stdout);

    const [original, readBack] = await Promise.all([
      loadStack({ files: [join(PROJECT_ROOT, 'compose', 'compose.yaml')], env: {} }),
      loadStack({ files: [file], env: {} }),
    ]);
    if (!original.ok || !readBack.ok) throw new Error('a project did not load');
    expect(readBack.value.projectName).toBe(original.value.projectName);
    expect(readBack.value.services).toEqual(original.value.services);
    expect(readBack.value.startOrder).toEqual(original.value.startOrder);
    // And printing it again changes nothing: the output is a fixed point.
    expect((await config(['-f', file])).stdout).toBe(printed.stdout);
  });

  it('quotes strings YAML 1.1 would read as booleans (restart: "no")', async () => {
    const dir = await makeTempDir();
    const file = join(dir, 'compose.yaml');
    await writeFile(file, 'services:\n  web:\n    image: busybox\n    restart: "no"\n');
    expect((await config(['-f', file])).stdout).toContain('restart: "no"');
  });

  it('prints JSON with --format json', async () => {
    const printed = await config(['--format', 'json']);
    expect(printed.code).toBe(0);
    const document = JSON.parse(printed.stdout) as { name: string; services: object };
    expect(document.name).toBe('time-cop');
    expect(Object.keys(document.services)).toContain('temporal');
  });

  it('lists services, profiles, images and volumes, one a line', async () => {
    const dir = await makeTempDir();
    const file = join(dir, 'compose.yaml');
    await writeFile(file, SMALL);
    const run = async (...args: string[]) => (await config(['-f', file, ...args])).stdout;
    expect(await run('--services')).toBe('db');
    expect(await run('--services', '--profile', 'debug')).toBe('web\napi\ndb');
    expect(await run('--profiles')).toBe('debug\ntools');
    expect(await run('--images', '--profile', 'debug')).toBe(
      'busybox:1.36\nsmall-api\npostgres:16.10',
    );
    expect(await run('--volumes')).toBe('data\nlogs');
  });

  it('-q validates only: exit 0 and no output when valid', async () => {
    const valid = await config(['-q']);
    expect(valid).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('-q: exit 2 with positioned problems on stderr when invalid', async () => {
    const dir = await makeTempDir();
    const file = join(dir, 'compose.yaml');
    await writeFile(file, 'services:\n  web:\n    image: busybox\n    enviroment: {A: "1"}\n');
    const invalid = await config(['-q', '-f', file]);
    expect(invalid.code).toBe(2);
    expect(invalid.stdout).toBe('');
    expect(invalid.stderr).toMatch(new RegExp(`^${file}:4:5: .*enviroment`));
  });

  it('takes --env-file for interpolation, as up does', async () => {
    const dir = await makeTempDir();
    const file = join(dir, 'compose.yaml');
    await writeFile(file, SMALL);
    await writeFile(join(dir, 'other.env'), 'TAG=1.37\n');
    const printed = await config(['-f', file, '--env-file', join(dir, 'other.env'), '--images']);
    expect(printed.stdout).toBe('postgres:16.10');
    const web = await config([
      '-f',
      file,
      '--env-file',
      join(dir, 'other.env'),
      '--profile',
      'debug',
      '--format',
      'json',
    ]);
    expect(JSON.parse(web.stdout)).toMatchObject({ services: { web: { image: 'busybox:1.37' } } });
  });

  it('refuses an unknown --format and more than one list', async () => {
    expect((await config(['--format', 'toml'])).code).toBe(2);
    const both = await config(['--services', '--images']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('choose one of --services, --images');
  });
});
