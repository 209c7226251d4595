/**
 * `devenv images [SERVICE…]` of a real `devenv up -d`: a container service built here from
 * busybox and a native one, checked against what the Engine's image inspect (`docker image
 * inspect`) and container inspect say.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeImage, writeHttpdBox } from '../../test/busybox-image.js';
import { devenvPs, runDevenv } from '../../test/devenv-process.js';
import { requireDockerEngine } from '../../test/docker-engine.js';
import { waitUntil } from '../../test/wait-until.js';

const project = `devenv-images-${process.pid}`;
const image = `${project}-box:test`;
const env = { ...process.env, DEVENV_METRICS_PORT: 'off' };
let docker: Dockerode;
let dir: string;

const devenv = (args: readonly string[]) =>
  runDevenv(args, { cwd: dir, env, file: 'compose.yaml', timeoutMs: 150_000 });

/** What the Engine says of the box container and its image. */
interface BoxFacts {
  readonly containerName: string;
  readonly image: Dockerode.ImageInspectInfo & { Metadata?: { LastTagTime?: string } };
}
let box: BoxFacts;

const TITLES = ['CONTAINER', 'REPOSITORY', 'TAG', 'PLATFORM', 'IMAGE ID', 'SIZE', 'CREATED'];
/** The titles of a table with no rows: every column but the last 20 wide (Compose's tabwriter). */
const EMPTY_TITLES = TITLES.map((t, i) => (i < TITLES.length - 1 ? t.padEnd(20) : t)).join('');

beforeAll(async () => {
  docker = await requireDockerEngine();
  dir = await mkdtemp(join(tmpdir(), 'devenv-images-list-'));
  const service = await writeHttpdBox(dir, image, 'hello\n');
  const node = JSON.stringify(process.execPath);
  await writeFile(
    join(dir, 'compose.yaml'),
    `name: ${project}
services:
${service}    stop_grace_period: 1s
  api:
    image: example/api:1
    x-devenv: { native: { command: [${node}, -e, "setInterval(() => {}, 1000)"] } }
`,
  );
  const up = await devenv(['up', '-d']);
  expect(up.code, up.stderr).toBe(0);
  const containerId = await waitUntil('ps to show the box container', 30_000, () => {
    const state = devenvPs(dir, ['-f', 'compose.yaml'])['box'];
    return state?.runtime === 'docker' ? state.containerId : undefined;
  });
  const container = await docker.getContainer(containerId).inspect();
  box = {
    containerName: container.Name.replace(/^\//, ''),
    image: await docker.getImage(container.Image).inspect(),
  };
}, 240_000);

afterAll(async () => {
  if (dir !== undefined) {
    // The last test stopped the stack already unless it failed first.
    await devenv(['down']);
    await rm(dir, { recursive: true, force: true });
  }
  await removeImage(docker, image);
}, 120_000);

describe('devenv images of a running stack', () => {
  it("lists the container's image as Compose's table, and names the native service after it", async () => {
    const listed = await devenv(['images']);
    expect(listed.code, listed.stderr).toBe(0);
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    // Each cell starts under its title, three spaces at least after the one before.
    const starts = TITLES.map((title) => lines[0]!.indexOf(title));
    expect(lines[0]!.split(/ {3,}/)).toEqual(TITLES);
    const cells = lines[1]!.split(/ {3,}/);
    expect(starts.map((start) => lines[1]!.slice(start).split(/ {3,}/)[0])).toEqual(cells);
    const { Id, Os, Architecture, Size } = box.image;
    expect(cells.slice(0, 5)).toEqual([
      box.containerName,
      `${project}-box`,
      'test',
      `${Os}/${Architecture}`,
      Id.replace('sha256:', '').slice(0, 12),
    ]);
    // docker's SIZE: three significant digits in decimal units.
    const size = /^(\d+(?:\.\d+)?)(B|kB|MB|GB)$/.exec(cells[5]!);
    expect(size, cells[5]).not.toBeNull();
    const bytes = Number(size![1]) * 1000 ** ['B', 'kB', 'MB', 'GB'].indexOf(size![2]!);
    expect(Math.abs(bytes - Size) / Size).toBeLessThan(0.005);
    expect(cells[6]).toMatch(/ ago$/);
    expect(lines[2]).toBe('run natively, without an image: api');
  });

  it("-q: the image's whole id; --format json: Compose's fields, as image inspect says", async () => {
    const quiet = await devenv(['images', '-q']);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).toBe(`${box.image.Id.replace('sha256:', '')}\n`);

    const json = await devenv(['images', '--format', 'json']);
    expect(json.code, json.stderr).toBe(0);
    const lastTag = box.image.Metadata?.LastTagTime;
    expect(JSON.parse(json.stdout)).toEqual([
      {
        ID: box.image.Id,
        ContainerName: box.containerName,
        Repository: `${project}-box`,
        Tag: 'test',
        Platform: `${box.image.Os}/${box.image.Architecture}`,
        Size: box.image.Size,
        Created: box.image.Created,
        ...(lastTag && !lastTag.startsWith('0001-') ? { LastTagTime: lastTag } : {}),
      },
    ]);
  });

  it('lists only the services named', async () => {
    const native = await devenv(['images', 'api']);
    expect(native.code, native.stderr).toBe(0);
    const lines = native.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(EMPTY_TITLES);
    expect(lines.slice(1)).toEqual(['run natively, without an image: api']);
    const json = await devenv(['images', 'box', '--format', 'json']);
    expect(
      (JSON.parse(json.stdout) as { ContainerName: string }[]).map((r) => r.ContainerName),
    ).toEqual([box.containerName]);
  });

  it('after devenv down: an empty table and a line saying nothing runs; -q prints nothing', async () => {
    const down = await devenv(['down']);
    expect(down.code, down.stderr).toBe(0);
    const listed = await devenv(['images']);
    expect(listed.code, listed.stderr).toBe(0);
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(EMPTY_TITLES);
    expect(lines.slice(1)).toEqual([
      'nothing runs: no devenv runs this stack (start it with `npm run dev` or `devenv up`)',
    ]);
    expect(await devenv(['images', '-q'])).toMatchObject({ code: 0, stdout: '' });
    expect(await devenv(['images', '--format', 'json'])).toMatchObject({ code: 0, stdout: '[]\n' });
  });
});
