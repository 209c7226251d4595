import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { removeImage, writeBusyboxContext } from '../../test/busybox-image.js';
import { requireDockerEngine } from '../../test/docker-engine.js';
import { captureOutput, serviceSpec } from '../../test/docker-service-spec.js';
import { waitUntil } from '../../test/wait-until.js';
import type { ServiceSpec } from '../model/stack.js';
import { dockerRuntime } from './docker.js';
import { removeProjectContainers } from './docker-leftovers.js';
import { describeStartFailure, type ServiceHandle, type StartContext } from './runtime.js';
import { describeUnavailable } from './unavailable.js';

/**
 * Compose's smaller semantics in the docker runtime, against the real Engine of this machine:
 * an image built here from a static busybox, with its own ENV and HEALTHCHECK for the file to
 * override.
 */
const run = `${process.pid}-${Date.now()}`;
const tag = `devenv-test-semantics:${run}`;
const projectName = `devenvtest-${run}-semantics`;

let docker: Dockerode;
let context: string;
const handles: ServiceHandle[] = [];
const held: Server[] = [];

beforeAll(async () => {
  docker = await requireDockerEngine();
  context = await mkdtemp(join(tmpdir(), 'devenv-semantics-'));
  await writeBusyboxContext(context, [
    'ENV GONE=from-image KEPT=from-image',
    'HEALTHCHECK --interval=1s CMD ["/bin/busybox", "true"]',
    'CMD ["/bin/busybox", "sleep", "3600"]',
  ]);
}, 60_000);

afterEach(async () => {
  for (const handle of handles.splice(0)) await handle.stop(0);
  for (const server of held.splice(0)) server.close();
});

afterAll(async () => {
  if (!docker) return;
  await removeProjectContainers(docker, { projectName, ids: [] });
  await removeImage(docker, tag);
  if (context) await rm(context, { recursive: true, force: true });
}, 60_000);

const spec = (overrides: Partial<ServiceSpec> = {}): ServiceSpec =>
  serviceSpec('svc', { image: tag, build: { context }, ...overrides });

async function start(service: ServiceSpec, ctx: StartContext = captureOutput()) {
  const runtime = dockerRuntime({
    projectName,
    sessionId: `session-${run}`,
    projectDir: context,
    docker,
  });
  const result = await runtime.start(service, ctx);
  if (!result.ok) throw new Error(`start failed: ${describeStartFailure(result.error)}`);
  handles.push(result.value);
  return docker.getContainer(result.value.containerId!);
}

/** Holds 127.0.0.1:port so the Engine cannot publish on it. */
async function hold(port: number): Promise<boolean> {
  const server = createServer();
  const bound = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (bound) held.push(server);
  return bound;
}

describe('docker runtime: Compose semantics', () => {
  it('unsets a variable the file leaves without a value (the image ENV does not win), and runs as user:', async () => {
    const ctx = captureOutput();
    await start(
      spec({
        environment: { SET: 'from-file' },
        unsetEnvironment: ['GONE'],
        user: '1234:2345',
        command: [
          '/bin/busybox',
          'sh',
          '-c',
          'echo "gone=${GONE-unset} kept=$KEPT set=$SET uid=$(/bin/busybox id -u) gid=$(/bin/busybox id -g)"; exec /bin/busybox sleep 3600',
        ],
      }),
      ctx,
    );
    await waitUntil(
      "the container's line",
      30_000,
      () => (ctx.text('stdout').includes('gid=') ? true : undefined),
      { describe: () => `stdout so far: ${ctx.text('stdout')}` },
    );
    expect(ctx.text('stdout')).toContain(
      'gone=unset kept=from-image set=from-file uid=1234 gid=2345',
    );
  }, 60_000);

  it('switches the image HEALTHCHECK off for test: [NONE] (healthcheck.disable)', async () => {
    const container = await start(
      spec({
        healthcheck: {
          test: ['NONE'],
          intervalMs: 30_000,
          timeoutMs: 30_000,
          retries: 3,
          startPeriodMs: 0,
          startIntervalMs: 5_000,
        },
      }),
    );
    const info = await container.inspect();
    expect(info.Config.Healthcheck?.Test).toEqual(['NONE']);
    expect(info.State.Health).toBeUndefined();
    // Without it, the same image reports a health state: the check above is not vacuous.
    const healthy = await (await start(spec({ name: 'with-health' }))).inspect();
    expect(healthy.State.Health?.Status).toBeDefined();
  }, 60_000);

  it('publishes a port without a host port on one the Engine picks, and a host range on a free port of the range', async () => {
    // Four consecutive free ports; a first container takes the first, so the Engine's allocator
    // must pick another of the range for the second (it knows its own allocations only).
    let first = 0;
    for (let base = 20_000 + (process.pid % 20_000); first === 0; base += 7) {
      const bound = [];
      for (const i of [0, 1, 2, 3]) bound.push(await hold(base + i));
      for (const server of held.splice(0)) server.close();
      if (bound.every(Boolean)) first = base;
    }
    await start(
      spec({
        name: 'holder',
        ports: [{ host: first, container: 7001, hostIp: undefined, protocol: 'tcp' }],
      }),
    );
    const ctx = captureOutput();
    const container = await start(
      spec({
        ports: [
          { host: undefined, container: 7000, hostIp: undefined, protocol: 'tcp' },
          { host: first, hostEnd: first + 3, container: 7001, hostIp: undefined, protocol: 'tcp' },
        ],
      }),
      ctx,
    );
    const ports = (await container.inspect()).NetworkSettings.Ports;
    const ephemeral = Number(ports['7000/tcp']?.[0]?.HostPort);
    const ranged = Number(ports['7001/tcp']?.[0]?.HostPort);
    expect(ports['7000/tcp']?.[0]?.HostIp).toBe('127.0.0.1');
    expect(ephemeral).toBeGreaterThan(0);
    expect(ranged).toBeGreaterThan(first);
    expect(ranged).toBeLessThanOrEqual(first + 3);
    // The log says where they ended up.
    expect(ctx.text('devenv')).toContain(
      `published 7000/tcp → 127.0.0.1:${ephemeral}, 7001/tcp → 127.0.0.1:${ranged} (ports the Engine picked)`,
    );
  }, 60_000);

  it('says a type: image volume needs a newer Engine when this one is older than API 1.48', async () => {
    const runtime = dockerRuntime({
      projectName,
      sessionId: `session-${run}`,
      projectDir: context,
      docker,
    });
    const { ApiVersion } = await docker.version();
    const result = await runtime.check(
      spec({ volumes: [{ type: 'image', source: tag, target: '/mnt', subpath: undefined }] }),
    );
    const [major = 0, minor = 0] = ApiVersion.split('.').map(Number);
    if (major === 1 && minor < 48) {
      expect(result.ok ? '' : describeUnavailable(result.error)).toContain(
        `volumes of type: image need Docker Engine 28 or later (API 1.48); this Engine speaks API ${ApiVersion}`,
      );
    } else {
      expect(result).toEqual({ ok: true, value: undefined });
    }
  }, 60_000);
});
