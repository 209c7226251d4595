/**
 * `devenv down -v` against a real Docker Engine: the file's named volumes go, an external one and
 * one still in use stay (the latter reported), and a second run finds nothing to remove.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Dockerode from 'dockerode';
import { runDevenv } from '../../test/devenv-process.js';
import { requireDockerEngine } from '../../test/docker-engine.js';
import { useTempDirs } from '../../test/temp-dir.js';

const makeTempDir = useTempDirs('devenv-down-volumes-');
const project = `downv${process.pid}`;
const external = `${project}-shared`;
const emptyImage = `devenv-test-empty:${project}`;
let docker: Dockerode;

const down = (dir: string) =>
  runDevenv(['down', '-v'], {
    cwd: dir,
    env: { ...process.env, DEVENV_METRICS_PORT: 'off' },
    file: 'compose.yaml',
  });

const exists = (name: string) =>
  docker
    .getVolume(name)
    .inspect()
    .then(() => true)
    .catch(() => false);

beforeAll(async () => {
  docker = await requireDockerEngine();
  const context = await makeTempDir();
  await writeFile(join(context, 'Dockerfile'), 'FROM scratch\nLABEL devenv.test=empty\n');
  const stream = await docker.buildImage({ context, src: ['Dockerfile'] }, { t: emptyImage });
  await new Promise((resolve, reject) =>
    docker.modem.followProgress(stream, (e) => (e ? reject(e) : resolve(undefined))),
  );
}, 60_000);

afterAll(async () => {
  for (const name of [`${project}_data`, `${project}_busy`, external])
    await docker
      ?.getVolume(name)
      .remove({ force: true })
      .catch(() => undefined);
  await docker
    ?.getImage(emptyImage)
    .remove({ force: true })
    .catch(() => undefined);
});

describe('devenv down -v', () => {
  it("removes the file's named volumes, keeps external ones, reports one in use", async () => {
    const dir = await makeTempDir();
    await writeFile(
      join(dir, 'compose.yaml'),
      `name: ${project}
services:
  db:
    image: postgres:16
    volumes: [data:/var/lib/postgresql/data, busy:/busy, shared:/shared]
volumes:
  data: {}
  busy: {}
  shared: {external: true, name: ${external}}
`,
    );
    for (const name of [`${project}_data`, `${project}_busy`, external])
      await docker.createVolume({ Name: name });
    const holder = await docker.createContainer({
      Image: emptyImage,
      Cmd: ['none'],
      HostConfig: { Binds: [`${project}_busy:/busy`] },
    });
    try {
      const first = await down(dir);
      expect(first.code, first.stderr).toBe(1);
      expect(first.stdout).toContain(`removed volume ${project}_data`);
      expect(first.stderr).toMatch(new RegExp(`volume ${project}_busy not removed: .*in use`));
      expect(await exists(`${project}_data`)).toBe(false);
      expect(await exists(`${project}_busy`)).toBe(true);
      expect(await exists(external)).toBe(true);
    } finally {
      await holder.remove({ force: true });
    }
    const second = await down(dir);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain(`removed volume ${project}_busy`);
    expect(second.stdout).not.toContain(`${project}_data`);
    expect(await exists(external)).toBe(true);
  });
});
