/**
 * The container stack: every service of compose/compose.yaml in a container on the local Docker
 * Engine (`--runtime docker`), with compose/compose.offline.yaml standing in for the registry
 * images no registry here can serve (Temporal's dev server in the temporal-cli image, Debian's
 * PostgreSQL) and the base images `devenv images bootstrap` builds from Debian packages. The
 * worker and dispatcher images are the ones `devenv images build` makes. It must pass the same
 * smoke test as the native stack (observability/stack.integration.test.ts), and leave nothing.
 */
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVENV_BIN, devenvPs } from '../../test/devenv-process.js';
import { requireDockerEngine } from '../../test/docker-engine.js';
import { startProjectStack } from '../../test/stack-lock.js';
import { stackSmoke } from '../../test/stack-smoke.js';
import { PROJECT_ROOT } from '../project-root.js';
import { listProjectLeftovers } from '../runtime/docker-leftovers.js';

const FILES = ['-f', 'compose/compose.yaml', '-f', 'compose/compose.offline.yaml'];
const SERVICES = ['postgres', 'temporal', 'worker-typescript', 'worker-python', 'dispatcher'];

const ps = () => devenvPs(PROJECT_ROOT, FILES);

describe('the container stack (--runtime docker, offline images)', () => {
  let docker: Dockerode;
  let stack: Awaited<ReturnType<typeof startProjectStack>> | undefined;

  beforeAll(async () => {
    docker = await requireDockerEngine();
    // Once per machine (minutes: debootstrap, Node from npm, Python from Debian); then cached.
    execFileSync(DEVENV_BIN, ['images', 'bootstrap'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
    stack = await startProjectStack([
      'up',
      '--runtime',
      'docker',
      '--no-logs',
      '--no-watch',
      ...FILES,
    ]);
    const { devenv } = stack;
    let exited = false;
    void devenv.exited.then(() => (exited = true));
    const deadline = Date.now() + 900_000;
    for (;;) {
      if (exited) throw new Error(`devenv up exited early:\n${devenv.output().slice(-4000)}`);
      const states = ps();
      if (SERVICES.every((n) => states[n]?.phase === 'healthy')) break;
      const failed = SERVICES.find((n) =>
        ['crashed', 'unavailable', 'blocked'].includes(states[n]?.phase ?? ''),
      );
      if (failed !== undefined || Date.now() > deadline)
        throw new Error(`not healthy: ${JSON.stringify(states)}\n${devenv.output().slice(-4000)}`);
      await sleep(1000);
    }
  }, 1_800_000);

  afterAll(() => stack?.stop(), 120_000);

  it('runs every service in a container', () => {
    const states = ps();
    for (const name of SERVICES) {
      expect(states[name]?.runtime, name).toBe('docker');
      expect(states[name]?.containerId, name).toBeTruthy();
    }
  });

  it('passes the same smoke test as the native stack', async () => {
    const { greetings } = await stackSmoke();
    expect(greetings).toHaveLength(2);
  }, 180_000);

  it('leaves no container or network behind when stopped', async () => {
    expect((await stack!.stop()).code).toBe(0);
    const listed = await listProjectLeftovers(docker, { projectName: 'time-cop' });
    if (!listed.ok) throw new Error(listed.error);
    expect(listed.value.containers).toEqual([]);
    expect(listed.value.networks).toEqual([]);
  }, 120_000);
});
