/**
 * `devenv cp` of a container service, against a real `devenv up` with the docker runtime and the
 * real Docker Engine: out of and into the container through the Engine's archive API, -L, and
 * `-` as tar on stdin/stdout.
 */
import { execFileSync } from 'node:child_process';
import {
  chown,
  copyFile,
  mkdir,
  mkdtemp,
  readFile,
  readlink,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVENV_BIN, runDevenv, startDevenv } from '../../test/devenv-process.js';
import { requireDockerEngine } from '../../test/docker-engine.js';

const project = `devenv-cp-docker-${process.pid}`;
const image = `${project}-box:test`;
const env = { ...process.env, DEVENV_METRICS_PORT: 'off' };

/** `box`: busybox's httpd in an image built here from a static busybox (no registry is reachable). */
async function writeProject(dir: string): Promise<void> {
  const context = join(dir, 'box');
  await mkdir(join(context, 'www', 'sub'), { recursive: true });
  await mkdir(join(context, 'drop'));
  await copyFile('/bin/busybox', join(context, 'busybox'));
  await writeFile(join(context, 'www', 'index.html'), 'hello from box\n');
  await writeFile(join(context, 'www', 'sub', 'deep.txt'), 'deep\n');
  await writeFile(join(context, 'drop', '.keep'), '');
  await writeFile(
    join(context, 'Dockerfile'),
    'FROM scratch\nCOPY busybox /bin/busybox\nCOPY www /www\nCOPY drop /drop\nWORKDIR /www\n',
  );
  await writeFile(
    join(dir, 'compose.yaml'),
    `name: ${project}
services:
  box:
    build: { context: ./box }
    image: ${image}
    command: [/bin/busybox, sh, -c, '/bin/busybox ln -s /www/index.html /www/link && exec /bin/busybox httpd -f -p 8080 -h /www']
    stop_grace_period: 1s
`,
  );
}

describe('devenv cp with a container service', () => {
  let dir: string;
  let host: string;
  let up: ReturnType<typeof startDevenv>;
  let docker: Dockerode;
  const devenv = (...args: string[]) =>
    runDevenv(['cp', ...args], { cwd: dir, env, file: 'compose.yaml', timeoutMs: 60_000 });
  const inBox = async (...command: string[]) =>
    (
      await runDevenv(['exec', '-T', 'box', '/bin/busybox', ...command], {
        cwd: dir,
        env,
        file: 'compose.yaml',
      })
    ).stdout;

  beforeAll(async () => {
    docker = await requireDockerEngine();
    dir = await mkdtemp(join(tmpdir(), 'devenv-cp-docker-'));
    host = join(dir, 'host');
    await mkdir(host);
    await writeProject(dir);
    up = startDevenv(['up', '-f', 'compose.yaml', '--no-logs'], dir, env);
    await up.waitFor(/box\s+healthy/, 120_000);
  }, 180_000);
  afterAll(async () => {
    up?.child.kill('SIGINT');
    expect((await up?.exited)?.code).toBe(0);
    await docker
      ?.getImage(image)
      .remove({ force: true })
      .catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('SERVICE:SRC DEST: a file renamed, a directory inside, contents with /., a link as itself or followed', async () => {
    expect(await devenv('box:/www/index.html', join(host, 'i.html'))).toMatchObject({
      code: 0,
      stderr: '',
    });
    expect(await readFile(join(host, 'i.html'), 'utf8')).toBe('hello from box\n');
    expect(await devenv('box:/www', host)).toMatchObject({ code: 0 });
    expect(await readFile(join(host, 'www', 'sub', 'deep.txt'), 'utf8')).toBe('deep\n');
    expect(await devenv('box:/www/sub/.', join(host, 'contents'))).toMatchObject({ code: 0 });
    expect(await readFile(join(host, 'contents', 'deep.txt'), 'utf8')).toBe('deep\n');
    expect(await devenv('box:/www/link', join(host, 'link'))).toMatchObject({ code: 0 });
    expect(await readlink(join(host, 'link'))).toBe('/www/index.html');
    expect(await devenv('-L', 'box:/www/link', join(host, 'followed'))).toMatchObject({ code: 0 });
    expect(await readFile(join(host, 'followed'), 'utf8')).toBe('hello from box\n');
  });

  it('SRC SERVICE:DEST: a file into a directory or renamed, a directory becoming a new one', async () => {
    await mkdir(join(host, 'seed'));
    await writeFile(join(host, 'seed', 'one.sql'), 'select 1;\n');
    expect(await devenv(join(host, 'seed', 'one.sql'), 'box:/drop/')).toMatchObject({
      code: 0,
      stderr: '',
    });
    expect(await devenv(join(host, 'seed', 'one.sql'), 'box:/drop/two.sql')).toMatchObject({
      code: 0,
    });
    expect(await devenv(join(host, 'seed'), 'box:/drop/seeded')).toMatchObject({ code: 0 });
    expect(await inBox('cat', '/drop/one.sql', '/drop/two.sql', '/drop/seeded/one.sql')).toBe(
      'select 1;\n'.repeat(3),
    );
    expect(await devenv(join(host, 'seed', 'one.sql'), 'box:/nodir/x.sql')).toMatchObject({
      code: 1,
      stderr: 'devenv cp: directory /nodir does not exist in the container: create it first\n',
    });
  });

  it("-a keeps uid and gid both ways; without it files are root's in the container and the caller's here", async () => {
    await writeFile(join(host, 'owned.txt'), 'mine\n');
    await chown(join(host, 'owned.txt'), 1234, 4321);
    expect(await devenv('-a', join(host, 'owned.txt'), 'box:/drop/kept.txt')).toMatchObject({
      code: 0,
    });
    expect(await devenv(join(host, 'owned.txt'), 'box:/drop/plain.txt')).toMatchObject({ code: 0 });
    expect(await inBox('stat', '-c', '%u:%g', '/drop/kept.txt', '/drop/plain.txt')).toBe(
      '1234:4321\n0:0\n',
    );
    expect(await devenv('-a', 'box:/drop/kept.txt', join(host, 'back.txt'))).toMatchObject({
      code: 0,
    });
    expect(await devenv('box:/drop/kept.txt', join(host, 'back-plain.txt'))).toMatchObject({
      code: 0,
    });
    const owner = async (name: string) => {
      const s = await stat(join(host, name));
      return `${s.uid}:${s.gid}`;
    };
    expect([await owner('back.txt'), await owner('back-plain.txt')]).toEqual(['1234:4321', '0:0']);
  });

  it('- as SRC and DEST: tar on stdin into a directory, tar of SRC on stdout', async () => {
    const archive = execFileSync('tar', ['-c', '-f', '-', '-C', join(host, 'seed'), 'one.sql']);
    execFileSync(DEVENV_BIN, ['cp', '-f', 'compose.yaml', '-', 'box:/www/sub'], {
      cwd: dir,
      env,
      input: archive,
    });
    expect(await inBox('cat', '/www/sub/one.sql')).toBe('select 1;\n');
    const out = execFileSync(DEVENV_BIN, ['cp', '-f', 'compose.yaml', 'box:/www/sub', '-'], {
      cwd: dir,
      env,
    });
    const listing = execFileSync('tar', ['-t'], { input: out, encoding: 'utf8' });
    expect(listing.split('\n').filter(Boolean).sort()).toEqual([
      'sub/',
      'sub/deep.txt',
      'sub/one.sql',
    ]);
  });
});
