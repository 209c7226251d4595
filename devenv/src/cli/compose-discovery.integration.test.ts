import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEVENV_BIN } from '../../test/devenv-process.js';
import { useTempDirs } from '../../test/temp-dir.js';

/** The real devenv in another project's directory, as a Compose user runs it: no -f. */
const makeTempDir = useTempDirs('devenv-discovery-');

async function services(cwd: string, env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const { stdout } = await promisify(execFile)(DEVENV_BIN, ['config', '--services'], {
    cwd,
    env: { ...process.env, COMPOSE_FILE: undefined, COMPOSE_PROFILES: undefined, ...env },
  });
  return stdout.trim().split('\n').sort();
}

describe('devenv finds the Compose files as docker compose does', () => {
  it('compose.yaml and its override in the nearest directory upwards; COMPOSE_FILE and COMPOSE_PROFILES', async () => {
    const dir = await makeTempDir();
    await writeFile(
      join(dir, 'compose.yaml'),
      'services:\n  web: {image: nginx}\n  debug: {image: busybox, profiles: [debug]}\n',
    );
    await writeFile(join(dir, 'compose.override.yaml'), 'services:\n  db: {image: postgres}\n');
    await writeFile(join(dir, 'other.yaml'), 'services:\n  solo: {image: busybox}\n');
    await mkdir(join(dir, 'src', 'deep'), { recursive: true });

    expect(await services(join(dir, 'src', 'deep'))).toEqual(['db', 'web']);
    expect(await services(dir, { COMPOSE_PROFILES: 'debug' })).toEqual(['db', 'debug', 'web']);
    expect(await services(join(dir, 'src'), { COMPOSE_FILE: '../other.yaml' })).toEqual(['solo']);
    expect(
      await services(dir, { COMPOSE_FILE: 'compose.yaml,other.yaml', COMPOSE_PATH_SEPARATOR: ',' }),
    ).toEqual(['solo', 'web']);
  });

  it("reads COMPOSE_FILE and COMPOSE_PROFILES from the working directory's .env, the shell winning", async () => {
    const dir = await makeTempDir();
    await writeFile(join(dir, 'compose.yaml'), 'services:\n  web: {image: nginx}\n');
    await writeFile(
      join(dir, 'other.yaml'),
      'services:\n  solo: {image: busybox}\n  debug: {image: busybox, profiles: [debug]}\n',
    );
    await writeFile(join(dir, '.env'), 'COMPOSE_FILE=other.yaml\nCOMPOSE_PROFILES="debug"\n');

    expect(await services(dir)).toEqual(['debug', 'solo']);
    expect(await services(dir, { COMPOSE_PROFILES: 'none' })).toEqual(['solo']);
    expect(await services(dir, { COMPOSE_FILE: 'compose.yaml' })).toEqual(['web']);
  });
});
