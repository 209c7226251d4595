import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVENV_BIN, startDevenv } from '../../test/devenv-process.js';
import { requireDockerEngine } from '../../test/docker-engine.js';
import { useTempDirs } from '../../test/temp-dir.js';
import { listProjectLeftovers } from '../runtime/docker-leftovers.js';

const makeTempDir = useTempDirs();
const project = `devenv-up-docker-${process.pid}`;
let docker: Dockerode;

/** A service built here from a static busybox (no registry is reachable), run by the docker runtime. */
async function composeWithBuiltImage(dir: string): Promise<string> {
  const context = join(dir, 'web');
  await mkdir(join(context, 'www'), { recursive: true });
  await copyFile('/bin/busybox', join(context, 'busybox'));
  await writeFile(join(context, 'www', 'index.html'), 'hello from a container\n');
  await writeFile(
    join(context, 'Dockerfile'),
    [
      'FROM scratch',
      'COPY busybox /bin/busybox',
      'COPY www /www',
      'CMD ["/bin/busybox", "httpd", "-f", "-v", "-p", "8080", "-h", "/www"]',
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
    x-devenv:
      probe: { http: "http://127.0.0.1:18080/" }
    ports: ["127.0.0.1:18080:8080"]
    stop_grace_period: 1s
`,
  );
  return file;
}

async function labelled(): Promise<number> {
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

// The real devenv executable with the real Docker Engine: labelled containers, checked through its API.
describe('devenv up with the docker runtime', () => {
  it('runs a locally built image, and after a SIGKILL of devenv `down` removes its container', async () => {
    const dir = await makeTempDir();
    const file = await composeWithBuiltImage(dir);
    const run = startDevenv(['up', '-f', file, '--runtime', 'docker', '--no-logs'], dir);
    await run.waitFor(/web\s+healthy/, 120_000);
    expect(await (await fetch('http://127.0.0.1:18080/')).text()).toBe('hello from a container\n');
    expect(await labelled()).toBe(1);

    run.child.kill('SIGKILL');
    await run.exited;
    // devenv is gone; its container is not: the leftover `down` must find and remove.
    expect(await labelled()).toBe(1);
    const out = execFileSync(DEVENV_BIN, ['down', '-f', file], { cwd: dir, encoding: 'utf8' });
    expect(out).toContain('removed 1 leftover container(s)');
    expect(await labelled()).toBe(0);
  }, 180_000);

  it('removes its containers when stopped with SIGTERM', async () => {
    const dir = await makeTempDir();
    const file = await composeWithBuiltImage(dir);
    const run = startDevenv(['up', '-f', file, '--runtime', 'docker', '--no-logs'], dir);
    await run.waitFor(/web\s+healthy/, 120_000);
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
    expect(await labelled()).toBe(0);
  }, 180_000);
});
