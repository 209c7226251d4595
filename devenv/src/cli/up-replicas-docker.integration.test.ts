import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevenv } from '../../test/devenv-process.js';
import { requireDockerEngine } from '../../test/docker-engine.js';
import { useTempDirs } from '../../test/temp-dir.js';
import { listProjectLeftovers } from '../runtime/docker-leftovers.js';
import { PROJECT_LABEL } from '../runtime/docker-labels.js';

const makeTempDir = useTempDirs();
const project = `devenv-replicas-docker-${process.pid}`;
let docker: Dockerode;

/**
 * A service of two replicas built here from a static busybox (no registry is reachable): each
 * serves its DEVENV_REPLICA on container port 8080, published on its own port of a host range.
 */
async function composeWithReplicas(dir: string): Promise<string> {
  const context = join(dir, 'web');
  await mkdir(join(context, 'www'), { recursive: true });
  await copyFile('/bin/busybox', join(context, 'busybox'));
  await writeFile(join(context, 'www', 'index.html'), 'not yet\n');
  await writeFile(
    join(context, 'Dockerfile'),
    [
      'FROM scratch',
      'COPY busybox /bin/busybox',
      'COPY www /www',
      'CMD ["/bin/busybox", "sh", "-c", "echo replica $DEVENV_REPLICA > /www/index.html && exec /bin/busybox httpd -f -p 8080 -h /www"]',
      '',
    ].join('\n'),
  );
  const file = join(dir, 'compose.yaml');
  await writeFile(
    file,
    `name: ${project}
services:
  web:
    build: { context: ./web }
    image: ${project}-web:test
    deploy: { replicas: 2 }
    x-devenv:
      probe: { http: "http://127.0.0.1:18181/" }
    ports: ["127.0.0.1:18181-18182:8080"]
    stop_grace_period: 1s
`,
  );
  return file;
}

async function containers(): Promise<number> {
  const listed = await listProjectLeftovers(docker, { projectName: project });
  if (!listed.ok) throw new Error(listed.error);
  return listed.value.containers.length;
}

beforeAll(async () => {
  docker = await requireDockerEngine();
});

afterAll(async () => {
  await docker
    .getImage(`${project}-web:test`)
    .remove({ force: true })
    .catch(() => undefined);
});

// The real devenv executable with the real Docker Engine.
describe('replicas with the docker runtime', () => {
  it('runs a container per replica, each with its number and its port of the range', async () => {
    const dir = await makeTempDir();
    const file = await composeWithReplicas(dir);
    const run = startDevenv(['up', '-f', file, '--runtime', 'docker', '--no-logs'], dir);
    await run.waitFor(/web-1\s+healthy/, 180_000);
    await run.waitFor(/web-2\s+healthy/, 60_000);
    expect(await (await fetch('http://127.0.0.1:18181/')).text()).toBe('replica 1\n');
    expect(await (await fetch('http://127.0.0.1:18182/')).text()).toBe('replica 2\n');
    expect(await containers()).toBe(2);
    // On the project network each answers to the service's name too, as in Compose.
    const listed = await docker.listContainers({
      filters: { label: [`${PROJECT_LABEL}=${project}`] },
    });
    const aliases = await Promise.all(
      listed.map(async (c) =>
        Object.values((await docker.getContainer(c.Id).inspect()).NetworkSettings.Networks)
          .flatMap((n) => n.Aliases ?? [])
          .filter((a) => a.startsWith('web'))
          .sort(),
      ),
    );
    expect(aliases.sort()).toEqual([
      ['web', 'web-1'],
      ['web', 'web-2'],
    ]);
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
    expect(await containers()).toBe(0);
  }, 300_000);
});
