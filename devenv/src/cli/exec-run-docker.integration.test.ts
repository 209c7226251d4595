/**
 * `devenv exec` and `devenv run` of a container service, against a real `devenv up` with the
 * docker runtime and the real Docker Engine: `docker exec` into the service's container, and a
 * one-off container of its image on the project's network, created as `devenv up` creates the
 * service's.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeImage, writeHttpdBox } from '../../test/busybox-image.js';
import { DEVENV_BIN, startDevenv, runDevenv } from '../../test/devenv-process.js';
import { requireDockerEngine } from '../../test/docker-engine.js';
import { waitUntil } from '../../test/wait-until.js';

const project = `devenv-exec-docker-${process.pid}`;
const image = `${project}-box:test`;
const env = {
  ...process.env,
  DEVENV_METRICS_PORT: 'off',
  BOX: 'boxed',
  API_TOKEN: 'from-the-env',
};
let docker: Dockerode;

const devenv = (cwd: string, args: readonly string[]) =>
  runDevenv(args, { cwd, env, file: 'compose.yaml', timeoutMs: 120_000 });

/** `box`: busybox's httpd in an image built here from a static busybox (no registry is reachable). */
async function writeProject(dir: string): Promise<void> {
  const box = await writeHttpdBox(dir, image, 'hello from box\n');
  await writeFile(
    join(dir, 'compose.yaml'),
    `name: ${project}
services:
${box}    environment:
      BOX_NAME: \${BOX:-unset}
    stop_grace_period: 1s
  task:
    image: ${image}
    profiles: [tasks]
    command: [/bin/busybox, echo, task]
    ports: ['127.0.0.1::8080']
    shm_size: 32m
    extra_hosts: [host.docker.internal:host-gateway]
    stop_signal: SIGUSR1
    labels: { team: tasks }
    secrets: [api_token]
secrets:
  api_token: { environment: API_TOKEN }
`,
  );
}

const sh = (script: string) => ['/bin/busybox', 'sh', '-c', script];

describe('devenv exec and run of a container service', () => {
  let dir: string;
  let up: ReturnType<typeof startDevenv>;
  beforeAll(async () => {
    docker = await requireDockerEngine();
    // Not useTempDirs: the directory outlives each test, for the whole describe.
    dir = await mkdtemp(join(tmpdir(), 'devenv-exec-docker-'));
    await writeProject(dir);
    up = startDevenv(['up', '-f', 'compose.yaml', '--no-logs'], dir, env);
    await up.waitFor(/box\s+healthy/, 120_000);
  }, 180_000);
  afterAll(async () => {
    up?.child.kill('SIGINT');
    expect((await up?.exited)?.code).toBe(0);
    // One-offs a failed test left (those without --rm are removed by the tests themselves).
    const oneOffs = await docker
      ?.listContainers({ all: true, filters: { label: ['dev.devenv.oneoff=true'] } })
      .catch(() => []);
    for (const c of oneOffs ?? [])
      if (c.Names.some((n) => n.startsWith(`/${project}-`)))
        await docker.getContainer(c.Id).remove({ force: true });
    await removeImage(docker, image);
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('exec: inside the container, with its environment and working directory; -e, -w and the exit code', async () => {
    const token = (await readFile(join(dir, '.devenv', 'session-token'), 'utf8')).trim();
    const seen = await devenv(dir, [
      'exec',
      '-T',
      'box',
      ...sh('echo "$BOX_NAME $DEVENV_SESSION_TOKEN $PWD"'),
    ]);
    expect(seen).toMatchObject({ code: 0, stdout: `boxed ${token} /www\n` });
    const flags = await devenv(dir, [
      'exec',
      '-T',
      '-e',
      'X=1',
      '-w',
      '/bin',
      'box',
      ...sh('echo "$X $PWD"; exit 7'),
    ]);
    expect(flags).toMatchObject({ code: 7, stdout: '1 /bin\n' });
  });

  it('run --rm: a one-off container of the image on the project network, logged as box-run-<n>', async () => {
    const run = await devenv(dir, [
      'run',
      '--rm',
      'box',
      ...sh('/bin/busybox wget -q -O - http://box:8080/; echo "$BOX_NAME"; exit 4'),
    ]);
    expect(run).toMatchObject({ code: 4, stdout: 'hello from box\nboxed\n' });
    const name = /devenv run: (box-run-\d+)/.exec(run.stderr)?.[1];
    const logs = await devenv(dir, ['logs', '--raw', name!]);
    expect(logs.stdout).toMatch(/stdout hello from box\n/);
    // --rm: nothing of it is left.
    const left = await docker.listContainers({
      all: true,
      filters: { name: [`${project}-box-run`] },
    });
    expect(left).toEqual([]);
  });

  it('run: the container options, secrets and stop signal up gives the service, no ports or aliases; the engine’s exit code', async () => {
    const run = await devenv(dir, [
      'run',
      'task',
      ...sh(
        [
          'b=/bin/busybox',
          'echo "shm=$($b grep " /dev/shm " /proc/mounts | $b cut -d" " -f4)"',
          'echo "hosts=$($b grep -c host.docker.internal /etc/hosts)"',
          'echo "secret=$($b cat /run/secrets/api_token)"',
        ].join('; '),
      ),
    ]);
    expect(run).toMatchObject({
      code: 0,
      stdout: 'shm=rw,nosuid,nodev,noexec,relatime,size=32768k\nhosts=1\nsecret=from-the-env\n',
    });
    const runName = /devenv run: (task-run-\d+)/.exec(run.stderr)?.[1];
    // Without --rm the container stays, for its request to be read.
    const container = docker.getContainer(`${project}-${runName}`);
    const info = await container.inspect();
    await container.remove({ force: true });
    expect(info.Config).toMatchObject({ StopSignal: 'SIGUSR1' });
    expect(info.Config.Labels).toMatchObject({ team: 'tasks', 'dev.devenv.oneoff': 'true' });
    expect(info.HostConfig.PortBindings).toEqual({});
    const endpoint = info.NetworkSettings.Networks[`${project}_devenv`];
    expect(endpoint).toBeDefined();
    expect(endpoint?.Aliases ?? []).not.toContain('task');
    // The secret written for it is gone with it.
    const left = await readdir(join(dir, '.devenv', 'secrets'), { recursive: true });
    expect(left.filter((path) => path.includes('task-run'))).toEqual([]);
    // --service-ports, --publish and --use-aliases: the service's ports, more, and its aliases.
    const asService = await devenv(dir, [
      'run',
      '--service-ports',
      '--publish',
      '127.0.0.1::9000',
      '--use-aliases',
      'task',
    ]);
    expect(asService).toMatchObject({ code: 0, stdout: 'task\n' });
    const second = docker.getContainer(
      `${project}-${/devenv run: (task-run-\d+)/.exec(asService.stderr)?.[1]}`,
    );
    const secondInfo = await second.inspect();
    await second.remove({ force: true });
    expect(Object.keys(secondInfo.HostConfig.PortBindings as object)).toEqual([
      '8080/tcp',
      '9000/tcp',
    ]);
    expect(await devenv(dir, ['run', '--publish', 'nine', 'task'])).toMatchObject({ code: 2 });
    expect(secondInfo.NetworkSettings.Networks[`${project}_devenv`]?.Aliases).toContain('task');
    // The Engine's 127 for a command it cannot find (docker start alone would say 1).
    const missing = await devenv(dir, ['run', '--rm', 'task', '/bin/nothere']);
    expect(missing.code).toBe(127);
  });

  it('run: Ctrl-C reaches the one-off, whose exit code devenv run exits with', async () => {
    const script =
      'trap "echo got INT; exit 3" INT; echo ready; while true; do /bin/busybox sleep 1 & wait; done';
    // Its own process group, as a terminal's foreground job: Ctrl-C signals the whole group.
    const child = spawn(DEVENV_BIN, ['run', '-f', 'compose.yaml', '--rm', 'task', ...sh(script)], {
      cwd: dir,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await waitUntil('the one-off is ready', 60_000, () => stdout.includes('ready\n') || undefined);
    process.kill(-child.pid!, 'SIGINT');
    expect(await exited).toBe(3);
    expect(stdout).toBe('ready\ngot INT\n');
  }, 90_000);

  it('run: devenv’s stdin is the one-off’s, closed when it ends', async () => {
    const child = spawn(
      DEVENV_BIN,
      ['run', '-f', 'compose.yaml', '--rm', 'task', ...sh('/bin/busybox tr a-z A-Z')],
      {
        cwd: dir,
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.stdin.end('piped in\n');
    expect(await exited).toBe(0);
    expect(stdout).toBe('PIPED IN\n');
  }, 90_000);
});
