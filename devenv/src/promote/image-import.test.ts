import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../process/run-command.js';
import { requireDockerEngine } from '../../test/docker-engine.js';
import { waitUntil } from '../../test/wait-until.js';
import { imagesMissingFrom } from './containerd-presence.js';
import { saveInto } from './image-import.js';
import { ctrImportArgs, CRI_NAMESPACE } from './promote-plan.js';

/**
 * `docker save | ctr images import` as promote runs it for a containerd cluster: a real Docker
 * Engine, and a real containerd (Debian's) of this test's own, on a socket in a temporary
 * directory, its CRI plugin off (no kubelet here: the store is what the kubelet would read).
 */
const run = `${process.pid}-${Date.now()}`;
const tag = `devenv-test-import:${run}`;
let docker: Dockerode;
let dir: string;
let socket: string;
let containerd: ChildProcess | undefined;
let imageId: string;

const ctr = (...args: string[]) =>
  runCommand('ctr', ['--address', socket, '--namespace', CRI_NAMESPACE, ...args], {
    timeoutMs: 30_000,
  });

beforeAll(async () => {
  docker = await requireDockerEngine();
  dir = await mkdtemp(join(tmpdir(), 'devenv-ctr-import-'));
  socket = join(dir, 'containerd.sock');
  await writeFile(
    join(dir, 'config.toml'),
    [
      'version = 2',
      `root = "${dir}/root"`,
      `state = "${dir}/state"`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      `[grpc]\n  address = "${socket}"`,
      `[ttrpc]\n  address = "${socket}.ttrpc"`,
      '',
    ].join('\n'),
  );
  containerd = spawn('containerd', ['--config', join(dir, 'config.toml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  containerd.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4096)));
  await waitUntil(
    `containerd answering on ${socket}`,
    30_000,
    async () => ((await ctr('version')).code === 0 ? true : undefined),
    { describe: () => `its log: ${log}` },
  );

  const context = join(dir, 'context');
  await runCommand('mkdir', ['-p', context]);
  await copyFile('/bin/busybox', join(context, 'busybox'));
  await writeFile(join(context, 'Dockerfile'), 'FROM scratch\nCOPY busybox /bin/busybox\n');
  const stream = await docker.buildImage({ context, src: ['Dockerfile', 'busybox'] }, { t: tag });
  await new Promise((resolve, reject) =>
    docker.modem.followProgress(stream, (error) => (error ? reject(error) : resolve(undefined))),
  );
  imageId = (await docker.getImage(tag).inspect()).Id;
}, 120_000);

afterAll(async () => {
  if (containerd?.pid !== undefined) {
    const exited = new Promise((resolve) => containerd?.once('exit', resolve));
    containerd.kill('SIGTERM');
    await exited;
  }
  await docker
    ?.getImage(tag)
    .remove()
    .catch(() => undefined);
  // The first build, untagged when a test moved the tag to a rebuilt image.
  if (imageId !== undefined)
    await docker
      ?.getImage(imageId)
      .remove()
      .catch(() => undefined);
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('saveInto (real Docker Engine, real containerd)', () => {
  it('imports the image under the name the kubelet resolves, with the Docker image ID as config', async () => {
    const output: string[] = [];
    const outcome = await saveInto(
      docker,
      [tag],
      { command: 'ctr', args: ctrImportArgs(socket) },
      { cwd: dir, env: process.env, onOutput: (chunk) => output.push(chunk) },
    );
    expect(outcome, output.join('')).toMatchObject({ code: 0 });

    const name = `docker.io/library/${tag}`;
    const listed = await ctr('images', 'ls', '--quiet');
    expect(listed.tail.split('\n')).toContain(name);
    // The image's config is the very blob Docker's image ID names: the same image, not a copy.
    const manifestDigest = (await ctr('images', 'ls', `name==${name}`)).tail.match(
      /sha256:[0-9a-f]{64}/,
    )?.[0];
    expect(manifestDigest).toBeDefined();
    const manifest = await ctr('content', 'get', manifestDigest ?? '');
    const config = (JSON.parse(manifest.tail) as { config: { digest: string } }).config.digest;
    expect(config).toBe(imageId);
  });

  it('lets go of the Engine when the importer stops reading early (else devenv promote cannot exit)', async () => {
    const pipes = () =>
      process.getActiveResourcesInfo().filter((r) => r === 'PipeWrap' || r === 'TCPSocketWrap')
        .length;
    const before = pipes();
    const outcome = await saveInto(
      docker,
      [tag],
      // Reads one block of the tarball, then exits: the Engine's response is far from its end.
      { command: 'head', args: ['-c', '512'] },
      { cwd: dir, env: process.env, onOutput: () => undefined },
    );
    expect(outcome.code).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(pipes()).toBe(before);
  });

  it('reports an image the Engine does not have, and the importer gets nothing', async () => {
    const outcome = await saveInto(
      docker,
      [`devenv-test-import:absent-${run}`],
      { command: 'ctr', args: ctrImportArgs(socket) },
      { cwd: dir, env: process.env, onOutput: () => undefined },
    );
    expect(outcome.code).not.toBe(0);
    expect(outcome.spawnError).toBe(
      `the Docker Engine could not export devenv-test-import:absent-${run} (docker save): (HTTP code 404) unexpected - reference does not exist`,
    );
  });

  it('knows the images containerd holds as the Engine has them, and only those (promote skips them)', async () => {
    const where = { cwd: dir, env: process.env };
    const importer = { command: 'ctr', args: ctrImportArgs(socket) };
    expect(await saveInto(docker, [tag], importer, { ...where, onOutput: () => {} })).toMatchObject(
      {
        code: 0,
      },
    );
    expect(await imagesMissingFrom([tag], 'ctr', socket, docker, where)).toEqual([]);

    // The same tag rebuilt with other content: containerd still holds the old image under it.
    const rebuilt = `devenv-test-import:rebuilt-${run}`;
    const context = join(dir, 'context');
    await writeFile(join(context, 'marker'), run);
    await writeFile(
      join(context, 'Dockerfile'),
      'FROM scratch\nCOPY busybox /bin/busybox\nCOPY marker /marker\n',
    );
    const stream = await docker.buildImage(
      { context, src: ['Dockerfile', 'busybox', 'marker'] },
      { t: rebuilt },
    );
    await new Promise((resolve, reject) =>
      docker.modem.followProgress(stream, (error) => (error ? reject(error) : resolve(undefined))),
    );
    try {
      expect(await imagesMissingFrom([tag, rebuilt], 'ctr', socket, docker, where)).toEqual([
        rebuilt,
      ]);
      await docker.getImage(rebuilt).tag({ repo: 'devenv-test-import', tag: run });
      expect(await imagesMissingFrom([tag], 'ctr', socket, docker, where)).toEqual([tag]);
      // An address nothing answers on: everything is imported, never skipped on a guess.
      const nowhere = join(dir, 'nowhere.sock');
      expect(await imagesMissingFrom([rebuilt], 'ctr', nowhere, docker, where)).toEqual([rebuilt]);
    } finally {
      await docker
        .getImage(rebuilt)
        .remove()
        .catch(() => undefined);
    }
  });
});
