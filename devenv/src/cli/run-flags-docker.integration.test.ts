/**
 * `devenv run`'s `docker compose run` flags for a container one-off, against the real Docker
 * Engine: --entrypoint, -u, -v, --name, -l, --cap-add/--cap-drop, -d (with --rm) and -i, each
 * seen from inside the container it made (what ran, as whom, what it mounts, what it may do) and
 * in the Engine's inspect. No stack runs: the one-offs go on the Engine's default bridge.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeImage, writeBusyboxContext } from '../../test/busybox-image.js';
import { runDevenv } from '../../test/devenv-process.js';
import { requireDockerEngine } from '../../test/docker-engine.js';
import { waitUntil } from '../../test/wait-until.js';
import { buildImage } from '../runtime/docker-build.js';

const project = `devenv-run-flags-${process.pid}`;
const image = `${project}-box:test`;
const env = { ...process.env, DEVENV_METRICS_PORT: 'off' };
let docker: Dockerode;
let dir: string;

/** `devenv run ARGS` typed in `cwd` (the project's `sub/` unless told), the file named by `-f`. */
const run = (args: readonly string[], cwd = join(dir, 'sub')) =>
  runDevenv(['run', '-f', join(dir, 'compose.yaml'), ...args], { cwd, env, timeoutMs: 120_000 });

/** A one-off's stderr names it `box-run-<n>`; its container is `<project>-box-run-<n>`. */
const containerOf = (stderr: string) =>
  docker.getContainer(`${project}-${/devenv run: (box-run-\d+)/.exec(stderr)?.[1]}`);

/**
 * An image with an ENTRYPOINT and a CMD, users `root` and `app`, and a service of it with its own
 * command, user, label, dropped capability and a named volume, for the flags to change.
 */
async function writeProject(): Promise<void> {
  const context = join(dir, 'box');
  await writeBusyboxContext(
    context,
    [
      'COPY etc /etc',
      'ENTRYPOINT ["/bin/busybox", "echo", "entrypoint:"]',
      'CMD ["/bin/busybox", "echo", "image-cmd"]',
    ],
    { 'etc/passwd': 'root:x:0:0:root:/:/bin/sh\napp:x:1000:1000:app:/:/bin/sh\n' },
  );
  const built = await buildImage(
    docker,
    { context, dockerfile: 'Dockerfile', args: {}, target: undefined, labels: {}, noCache: false },
    image,
    {},
    () => {},
  );
  if (!built.ok) throw new Error(built.error);
  await writeFile(
    join(dir, 'compose.yaml'),
    `name: ${project}
services:
  box:
    image: ${image}
    command: [service-cmd]
    user: app
    labels: { team: shop }
    cap_drop: [CHOWN]
    volumes: [data:/data]
volumes:
  data: {}
`,
  );
  // Where devenv run is typed: -v's relative paths are from here, not from the project.
  await mkdir(join(dir, 'sub', 'seed'), { recursive: true });
  await writeFile(join(dir, 'sub', 'seed', 'rows.csv'), 'id,name\n1,ada\n');
}

const sh = (script: string) => ['box', '/bin/busybox', 'sh', '-c', script];

describe('devenv run with docker compose run’s flags, a container one-off', () => {
  beforeAll(async () => {
    docker = await requireDockerEngine();
    dir = await mkdtemp(join(tmpdir(), 'devenv-run-flags-'));
    await writeProject();
  }, 120_000);

  afterAll(async () => {
    const left = await docker
      ?.listContainers({ all: true, filters: { label: [`dev.devenv.project=${project}`] } })
      .catch(() => []);
    for (const c of left ?? []) await docker.getContainer(c.Id).remove({ force: true });
    for (const named of ['seed-once', `${project}-kept`])
      await docker
        ?.getContainer(named)
        .remove({ force: true })
        .catch(() => undefined);
    await docker
      ?.getVolume(`${project}_data`)
      .remove()
      .catch(() => undefined);
    await removeImage(docker, image);
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('--entrypoint: over the image’s, dropping the service’s command; with COMMAND after it; empty clears it', async () => {
    // Without the flag: the image's entrypoint, the service's command.
    expect(await run(['--rm', 'box'])).toMatchObject({
      code: 0,
      stdout: 'entrypoint: service-cmd\n',
    });
    // A new entrypoint without COMMAND: the service's command goes, as in Compose.
    expect(await run(['--rm', '--entrypoint', '/bin/busybox echo new', 'box'])).toMatchObject({
      code: 0,
      stdout: 'new\n',
    });
    expect(
      await run(['--rm', '--entrypoint', '/bin/busybox echo "two words"', 'box', 'and', 'more']),
    ).toMatchObject({ code: 0, stdout: 'two words and more\n' });
    // '' clears the image's entrypoint: COMMAND runs alone; without COMMAND the image's CMD.
    expect(await run(['--rm', '--entrypoint', '', 'box'])).toMatchObject({
      code: 0,
      stdout: 'image-cmd\n',
    });
    expect(
      await run(['--rm', '--entrypoint', '', 'box', '/bin/busybox', 'echo', 'bare']),
    ).toMatchObject({ code: 0, stdout: 'bare\n' });
  });

  it('-u: over the service’s user, by name or uid:gid', async () => {
    const id = ['--entrypoint', '', ...sh('/bin/busybox id -u; /bin/busybox id -g')];
    expect(await run(['--rm', ...id])).toMatchObject({ code: 0, stdout: '1000\n1000\n' });
    expect(await run(['--rm', '-u', 'root', ...id])).toMatchObject({ code: 0, stdout: '0\n0\n' });
    expect(await run(['--rm', '--user', '4321:8765', ...id])).toMatchObject({
      code: 0,
      stdout: '4321\n8765\n',
    });
  });

  it('-v: a relative host path from where devenv run was typed, read-only with :ro; a declared volume by its Engine name', async () => {
    const seen = await run([
      '--rm',
      '--entrypoint',
      '',
      // root: the new volume is root's.
      '-u',
      '0',
      '-v',
      './seed:/seed:ro',
      '--volume',
      'data:/more',
      ...sh(
        '/bin/busybox cat /seed/rows.csv; /bin/busybox touch /seed/x 2>/dev/null || echo read-only; echo kept > /more/k',
      ),
    ]);
    expect(seen).toMatchObject({ code: 0, stdout: 'id,name\n1,ada\nread-only\n' });
    // /more is the project's `data` volume, the one the service mounts at /data.
    const again = await run(['--rm', '--entrypoint', '', ...sh('/bin/busybox cat /data/k')]);
    expect(again).toMatchObject({ code: 0, stdout: 'kept\n' });
    // At a path the service mounts, the run's mount replaces the service's.
    const over = await run([
      '--rm',
      '--entrypoint',
      '',
      '-v',
      './seed:/data',
      ...sh('/bin/busybox ls /data'),
    ]);
    expect(over).toMatchObject({ code: 0, stdout: 'rows.csv\n' });
  });

  it('--name and -l: the container’s name, and labels over the service’s (devenv’s own kept)', async () => {
    const named = await run([
      '--name',
      'seed-once',
      '-l',
      'purpose=seed',
      '--label',
      'team=data',
      'box',
    ]);
    expect(named).toMatchObject({ code: 0, stdout: 'entrypoint: service-cmd\n' });
    const container = docker.getContainer('seed-once');
    const info = await container.inspect();
    await container.remove({ force: true });
    expect(info.Config.Labels).toMatchObject({
      purpose: 'seed',
      team: 'data',
      'dev.devenv.oneoff': 'true',
      'dev.devenv.project': project,
    });
    // Its log is still box-run-<n>.
    expect(named.stderr).toMatch(/devenv run: box-run-\d+ /);
  });

  it('--cap-add and --cap-drop: added to the service’s, each taking the capability out of the other list', async () => {
    // The service drops CHOWN: root in the container may not chown, until --cap-add gives it back.
    const chown = ['--entrypoint', '', '-u', '0', ...sh('/bin/busybox chown 1 /bin/busybox')];
    expect((await run(['--rm', ...chown])).code).toBe(1);
    expect(await run(['--rm', '--cap-add', 'CHOWN', ...chown])).toMatchObject({ code: 0 });
    const dropped = await run(['--cap-drop', 'NET_RAW', '--cap-add', 'SYS_PTRACE', 'box']);
    const container = containerOf(dropped.stderr);
    const info = await container.inspect();
    await container.remove({ force: true });
    expect(info.HostConfig.CapDrop).toEqual(['CHOWN', 'NET_RAW']);
    expect(info.HostConfig.CapAdd).toEqual(['SYS_PTRACE']);
  });

  it('-d: prints the container’s id and returns while it runs (stdin open, as Compose); with --rm the Engine removes it when it exits', async () => {
    // `cat` of a stdin nothing writes to or closes: it runs until stopped, as `run -d … sh` would.
    const detached = await run(['-d', '--entrypoint', '', 'box', '/bin/busybox', 'cat']);
    expect(detached.code).toBe(0);
    expect(detached.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    const id = detached.stdout.trim();
    const info = await docker.getContainer(id).inspect();
    await docker.getContainer(id).remove({ force: true });
    expect(info.State.Running).toBe(true);
    expect(info.Name).toMatch(new RegExp(`^/${project}-box-run-\\d+$`));
    // --rm: gone once its command has ended.
    const once = await run([
      '-d',
      '--rm',
      '--name',
      `${project}-kept`,
      '--entrypoint',
      '',
      ...sh('/bin/busybox sleep 1'),
    ]);
    expect(once.code).toBe(0);
    const onceId = once.stdout.trim();
    expect((await docker.getContainer(onceId).inspect()).HostConfig.AutoRemove).toBe(true);
    await waitUntil('the -d --rm one-off is removed once it exits', 60_000, () =>
      docker
        .getContainer(onceId)
        .inspect()
        .then(
          () => undefined,
          (error: { statusCode?: number }) => (error.statusCode === 404 ? true : undefined),
        ),
    );
  });

  it('-i is accepted (stdin is the one-off’s anyway), and -it runs too, saying no TTY comes', async () => {
    const seen = await run(['-i', '--rm', '--entrypoint', '', 'box', '/bin/busybox', 'true']);
    expect(seen.code).toBe(0);
    const withTty = await run(['-it', '--rm', '--entrypoint', '', 'box', '/bin/busybox', 'true']);
    expect(withTty.code).toBe(0);
    expect(withTty.stderr).toMatch(/-t: no TTY is allocated/);
  });

  it('usage errors name the flag and what is wrong with it, before anything is created', async () => {
    const cases: [readonly string[], RegExp][] = [
      [['--name', 'two words', 'box'], /--name "two words": a container name is/],
      [['-l', 'no-value', 'box'], /-l "no-value": expected KEY=VALUE/],
      [['-v', 'relative', 'box'], /-v "relative": the container path relative must be absolute/],
      [['-v', './a:/a:sideways', 'box'], /-v ".\/a:\/a:sideways": unknown mode "sideways"/],
      [['--entrypoint', "sh -c 'open", 'box'], /--entrypoint "sh -c 'open": unterminated/],
      [['--cap-add', 'NET ADMIN', 'box'], /--cap-add "NET ADMIN": expected a capability/],
    ];
    const containers = () =>
      docker
        .listContainers({ all: true, filters: { label: [`dev.devenv.project=${project}`] } })
        .then((list) => list.map((c) => c.Id).sort());
    const before = await containers();
    for (const [args, message] of cases) {
      const refused = await run(args);
      expect(refused.code, args.join(' ')).toBe(2);
      expect(refused.stderr).toMatch(message);
    }
    expect(await containers()).toEqual(before);
  });
});
