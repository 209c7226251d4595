/**
 * `devenv cp` against a real `devenv up` whose service runs natively: both ways, relative service
 * paths taken from the service's working directory, `-` as tar on stdout, and the usage errors.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVENV_BIN, runDevenv, startDevenv, type DevenvRun } from '../../test/devenv-process.js';

const env = { ...process.env, DEVENV_METRICS_PORT: 'off' };
const forever = `[${JSON.stringify(process.execPath)}, -e, "setInterval(() => {}, 1000)"]`;

describe('devenv cp with a native service', () => {
  let root: string;
  let project: string;
  let host: string;
  let up: DevenvRun;
  const cp = (...args: string[]) =>
    runDevenv(['cp', '-f', 'compose.yaml', ...args], { cwd: project, env });
  const read = (path: string) => readFileSync(path, 'utf8');

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'devenv-cp-native-'));
    project = join(root, 'project');
    host = join(root, 'host');
    await mkdir(join(project, 'data', 'sub'), { recursive: true });
    await mkdir(host);
    await writeFile(join(project, 'data', 'log.txt'), 'from the service\n');
    await writeFile(join(project, 'data', 'sub', 'deep.txt'), 'deep\n');
    await writeFile(
      join(project, 'compose.yaml'),
      `name: cp-native\nservices:\n  app:\n    image: demo/app:1\n    x-devenv:\n      native:\n        command: ${forever}\n`,
    );
    up = startDevenv(['up', '-f', 'compose.yaml', '--no-logs'], project, env);
    await up.waitFor(/app\s+healthy/);
  }, 60_000);
  afterAll(async () => {
    up?.child.kill('SIGINT');
    expect((await up?.exited)?.code).toBe(0);
    await rm(root, { recursive: true, force: true });
  });

  it('SERVICE:SRC DEST: a relative path from the service directory; a file renamed, a directory inside', async () => {
    expect(await cp('app:data/log.txt', join(host, 'copy.txt'))).toMatchObject({
      code: 0,
      stderr: '',
    });
    expect(read(join(host, 'copy.txt'))).toBe('from the service\n');
    expect(await cp('app:data', host)).toMatchObject({ code: 0 });
    expect(read(join(host, 'data', 'sub', 'deep.txt'))).toBe('deep\n');
    expect(await cp('app:data/sub/.', join(host, 'contents'))).toMatchObject({ code: 0 });
    expect(read(join(host, 'contents', 'deep.txt'))).toBe('deep\n');
  });

  it('SRC SERVICE:DEST: lands in the service directory, or where an absolute path says', async () => {
    await writeFile(join(host, 'seed.sql'), 'select 1;\n');
    expect(await cp(join(host, 'seed.sql'), 'app:data/')).toMatchObject({ code: 0, stderr: '' });
    expect(read(join(project, 'data', 'seed.sql'))).toBe('select 1;\n');
    expect(await cp(join(host, 'seed.sql'), `app:${join(root, 'abs.sql')}`)).toMatchObject({
      code: 0,
    });
    expect(read(join(root, 'abs.sql'))).toBe('select 1;\n');
  });

  it('- as DEST: a tar stream of SRC on stdout', () => {
    const archive = execFileSync(DEVENV_BIN, ['cp', '-f', 'compose.yaml', 'app:data/sub', '-'], {
      cwd: project,
      env,
    });
    const listing = execFileSync('tar', ['-t'], { input: archive, encoding: 'utf8' });
    expect(listing.split('\n').filter(Boolean).sort()).toEqual(['sub/', 'sub/deep.txt']);
  });

  it('says what is wrong: a missing path, a missing directory, a service not in the stack, bad syntax', async () => {
    expect(await cp('app:nope.txt', host)).toMatchObject({
      code: 1,
      stderr: `devenv cp: ${join(project, 'nope.txt')}: no such file or directory\n`,
    });
    expect(await cp('app:data/log.txt', join(host, 'missing') + '/')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/directory .*missing\/ does not exist: create it first/),
    });
    const unknown = await cp('nosuch:/x', host);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /^devenv cp: no service nosuch in the running stack; services: app\n/,
    );
    const syntax = await cp('a:x', 'b:y');
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(/^devenv cp: copying between services is not supported/);
    expect(existsSync(join(host, 'nope.txt'))).toBe(false);
  });

  it('without a running devenv for the project: exit 1 and how to start it', async () => {
    const other = join(root, 'other');
    await mkdir(other);
    await writeFile(
      join(other, 'compose.yaml'),
      'name: cp-idle\nservices:\n  app:\n    image: demo/app:1\n',
    );
    const result = await runDevenv(['cp', '-f', 'compose.yaml', 'app:/x', '.'], {
      cwd: other,
      env,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^devenv cp: no devenv is running for this project in .*; start it with/,
    );
  });
});
