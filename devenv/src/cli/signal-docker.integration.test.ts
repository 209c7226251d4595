/**
 * `devenv kill`, `pause`, `unpause`, `top` and `port` of a container service, against a real
 * `devenv up` with the docker runtime and the real Docker Engine.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeImage, writeHttpdBox } from '../../test/busybox-image.js';
import { devenvPs, startDevenv, runDevenv } from '../../test/devenv-process.js';
import { requireDockerEngine } from '../../test/docker-engine.js';
import { waitUntil } from '../../test/wait-until.js';

const project = `devenv-signal-docker-${process.pid}`;
const image = `${project}-box:test`;
const env = { ...process.env, DEVENV_METRICS_PORT: 'off' };
let docker: Dockerode;

const devenv = (cwd: string, args: readonly string[]) =>
  runDevenv(args, { cwd, env, file: 'compose.yaml', timeoutMs: 120_000 });

/** `box`: busybox's httpd in an image built here, on a host port the Engine picks. */
async function writeProject(dir: string): Promise<void> {
  const box = await writeHttpdBox(dir, image, 'hello\n');
  await writeFile(
    join(dir, 'compose.yaml'),
    `name: ${project}
services:
${box}    restart: always
    ports: ["8080"]
    stop_grace_period: 1s
`,
  );
}

describe('devenv kill, pause, unpause, top and port of a container service', () => {
  let dir: string;
  let up: ReturnType<typeof startDevenv>;
  const box = () => devenvPs(dir, ['-f', 'compose.yaml'])['box'];
  beforeAll(async () => {
    docker = await requireDockerEngine();
    dir = await mkdtemp(join(tmpdir(), 'devenv-signal-docker-'));
    await writeProject(dir);
    up = startDevenv(['up', '-f', 'compose.yaml', '--no-logs'], dir, env);
    await up.waitFor(/box\s+healthy/, 120_000);
    // `ps` reads the state file, which may trail the printed line by up to 200 ms.
    await waitUntil('ps to show the box container', 10_000, () => box()?.containerId);
  }, 180_000);
  afterAll(async () => {
    up?.child.kill('SIGINT');
    expect((await up?.exited)?.code).toBe(0);
    await removeImage(docker, image);
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('port prints the binding the Engine picked', async () => {
    const { containerId } = box()!;
    const bound = (await docker.getContainer(containerId!).inspect()).NetworkSettings.Ports[
      '8080/tcp'
    ]![0]!;
    const port = await devenv(dir, ['port', 'box', '8080']);
    expect(port).toMatchObject({ code: 0, stdout: `${bound.HostIp}:${bound.HostPort}\n` });
  });

  it('top lists the container processes', async () => {
    const top = await devenv(dir, ['top', 'box']);
    expect(top.code).toBe(0);
    const [header, ...rows] = top.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^SERVICE\s+#\s+UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD$/);
    expect(rows).toEqual([
      expect.stringMatching(/^box\s+1\s.*\/bin\/busybox httpd -f -p 8080 -h \/www$/),
    ]);
  });

  it('pause and unpause go through the Engine', async () => {
    const { containerId } = box()!;
    expect((await devenv(dir, ['pause', 'box'])).stdout).toBe('box  paused\n');
    expect((await docker.getContainer(containerId!).inspect()).State.Paused).toBe(true);
    expect(box()).toMatchObject({ paused: true, phase: 'healthy' });
    expect((await devenv(dir, ['unpause', 'box'])).stdout).toBe('box  unpaused\n');
    expect((await docker.getContainer(containerId!).inspect()).State).toMatchObject({
      Paused: false,
      Running: true,
    });
  });

  it('kill leaves a restart: always container down until started', async () => {
    const kill = await devenv(dir, ['kill', 'box']);
    expect(kill).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('stays down until started'),
    });
    expect(box()).toMatchObject({ phase: 'stopped', restarts: 0 });
    expect((await devenv(dir, ['start', 'box'])).code).toBe(0);
    expect(box()).toMatchObject({ phase: 'healthy', restarts: 1 });
  });
});
