import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeBusyboxContext } from '../../test/busybox-image.js';
import { requireDockerEngine } from '../../test/docker-engine.js';
import { captureOutput, serviceSpec } from '../../test/docker-service-spec.js';
import type { ServiceSpec } from '../model/stack.js';
import { dockerRuntime } from './docker.js';
import {
  containerName,
  networkName,
  PROJECT_LABEL,
  SERVICE_LABEL,
  SESSION_LABEL,
} from './docker-labels.js';
import { dockerReaper, listProjectLeftovers, removeProjectContainers } from './docker-leftovers.js';
import { describeStartFailure, type ServiceHandle } from './runtime.js';
import { describeUnavailable } from './unavailable.js';
import { freePort } from '../process/free-port.js';

/**
 * Against the real Docker Engine of this machine, with an image built here from a static busybox
 * (no registry is reachable). Every object is labelled with a project name unique to this run.
 */
const run = `${process.pid}-${Date.now()}`;
const tag = `devenv-test-busybox:${run}`;

let docker: Dockerode;
let context: string;
let imagesBefore: Set<string>;
/** One project per test, so a test that fails half-way cannot fail the next one's leftover checks. */
const projects: string[] = [];
/** Containers outside any label, removed after each test whatever its outcome. */
const strays: string[] = [];

function newProject(name: string): string {
  const projectName = `devenvtest-${run}-${name}`;
  projects.push(projectName);
  return projectName;
}

beforeAll(async () => {
  // Fails (never skips) with what to do when there is no Engine.
  docker = await requireDockerEngine();
  imagesBefore = new Set((await docker.listImages({ all: true })).map((image) => image.Id));
  context = await mkdtemp(join(tmpdir(), 'devenv-docker-'));
  await writeBusyboxContext(
    context,
    [
      'ARG BUILD_NOTE=unset',
      'ENV BUILD_NOTE=$BUILD_NOTE',
      'COPY www /www',
      'CMD ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"]',
    ],
    {
      'www/index.html': 'served-by-busybox\n',
      '.dockerignore': 'ignored.txt\n',
      'ignored.txt': 'must not reach the image\n',
    },
  );
  await writeFile(
    join(context, 'Dockerfile.fail'),
    [
      'FROM scratch',
      'COPY busybox /bin/busybox',
      'RUN ["/bin/busybox", "sh", "-c", "echo failing-step; exit 7"]',
      '',
    ].join('\n'),
  );
});

afterEach(async () => {
  if (!docker) return;
  const ids = strays.splice(0);
  for (const projectName of projects) await removeProjectContainers(docker, { projectName, ids });
});

afterAll(async () => {
  if (!docker) return;
  // Built images carry the project label (label filters AND together, hence one query per project);
  // removing them prunes their untagged build steps too.
  for (const projectName of projects) {
    const labelled = await docker.listImages({
      all: true,
      filters: JSON.stringify({ label: [`${PROJECT_LABEL}=${projectName}`] }),
    });
    await removeImages(labelled);
  }
  // What a failed build cached stays untagged and new: remove that too, children before parents.
  const untagged = (await docker.listImages({ all: true })).filter(
    (image) =>
      !imagesBefore.has(image.Id) && (image.RepoTags ?? []).every((t) => t === '<none>:<none>'),
  );
  await removeImages(untagged);
  if (context) await rm(context, { recursive: true, force: true });
}, 60_000);

async function removeImages(images: readonly Dockerode.ImageInfo[]): Promise<void> {
  const newestFirst = [...images].sort((a, b) => b.Created - a.Created);
  for (const image of newestFirst)
    await docker
      .getImage(image.Id)
      .remove({ force: true })
      .catch(() => undefined);
}

const spec = (name: string, overrides: Partial<ServiceSpec> = {}): ServiceSpec =>
  serviceSpec(name, {
    image: tag,
    build: { context, args: { BUILD_NOTE: 'from-build-arg' } },
    stopGracePeriodMs: 1_000,
    ...overrides,
  });

async function eventually<T>(
  what: string,
  attempt: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function started(result: Awaited<ReturnType<ReturnType<typeof dockerRuntime>['start']>>) {
  if (!result.ok) throw new Error(`start failed: ${describeStartFailure(result.error)}`);
  return result.value;
}

async function containerExists(id: string): Promise<boolean> {
  return docker
    .getContainer(id)
    .inspect()
    .then(
      () => true,
      () => false,
    );
}

describe('docker runtime: check', () => {
  const projectName = newProject('check');

  it('says an image that is not here and must not be pulled is unavailable, and what to do', async () => {
    const runtime = dockerRuntime({
      projectName,
      sessionId: 's-check',
      projectDir: context,
      docker,
    });
    const result = await runtime.check(
      spec('missing', {
        image: `devenv-test-missing:${run}`,
        build: undefined,
        container: { pullPolicy: { kind: 'never' } },
      }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(describeUnavailable(result.error)).toContain('not present locally');
    expect(describeUnavailable(result.error)).toContain('pull_policy is never');
    expect(describeUnavailable(result.error)).toContain('docker load');
  });

  it('accepts a service it can build', async () => {
    const runtime = dockerRuntime({
      projectName,
      sessionId: 's-check',
      projectDir: context,
      docker,
    });
    expect(await runtime.check(spec('web'))).toEqual({ ok: true, value: undefined });
  });

  it('says a missing Dockerfile makes a build service unavailable', async () => {
    const runtime = dockerRuntime({
      projectName,
      sessionId: 's-check',
      projectDir: context,
      docker,
    });
    const result = await runtime.check(
      spec('web', { build: { context, dockerfile: 'Nope.dockerfile' } }),
    );
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(describeUnavailable(result.error)).toContain('Nope.dockerfile does not exist');
  });

  it('says how to start an Engine that does not answer', async () => {
    const { default: Docker } = await import('dockerode');
    const nowhere = new Docker({ socketPath: join(context, 'no-such-docker.sock') });
    const runtime = dockerRuntime({
      projectName,
      sessionId: 's-check',
      projectDir: context,
      docker: nowhere,
    });
    const result = await runtime.check(spec('web'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(describeUnavailable(result.error)).toMatch(/does not answer.*dockerd/);
  });
});

describe('docker runtime: start and stop', () => {
  it('builds, runs, streams output, publishes on 127.0.0.1, and leaves nothing after stop', async () => {
    const projectName = newProject('web');
    const sessionId = `session-${run}-a`;
    const runtime = dockerRuntime({ projectName, sessionId, projectDir: context, docker });
    const port = await freePort();
    const ctx = captureOutput();
    const handle = started(
      await runtime.start(
        spec('web', {
          environment: { GREETING: 'hello-from-env' },
          command: [
            '/bin/busybox',
            'sh',
            '-c',
            'echo "$GREETING $BUILD_NOTE"; echo to-stderr >&2; ls /; exec /bin/busybox httpd -f -p 8080 -h /www',
          ],
          ports: [{ host: port, container: 8080, hostIp: undefined, protocol: 'tcp' }],
          healthcheck: {
            test: ['CMD', '/bin/busybox', 'true'],
            intervalMs: 1_000,
            timeoutMs: 2_000,
            retries: 2,
            startPeriodMs: 0,
            startIntervalMs: 0,
          },
        }),
        ctx,
      ),
    );
    expect(handle.leftover).toEqual({ kind: 'container', id: handle.containerId });
    // The build's own output went to stdout before the container's.
    expect(ctx.text('stdout')).toMatch(/Step \d+\/\d+ : FROM scratch/);
    await eventually('the container output', () =>
      ctx.text('stdout').includes('hello-from-env from-build-arg') &&
      ctx.text('stderr').includes('to-stderr')
        ? true
        : undefined,
    );
    expect(ctx.text('stdout')).not.toContain('ignored.txt');

    const body = await eventually('the published port', async () => {
      const response = await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined);
      return response?.ok ? response.text() : undefined;
    });
    expect(body).toBe('served-by-busybox\n');

    const info = await docker.getContainer(handle.containerId!).inspect();
    expect(info.Name).toBe(`/${containerName(projectName, 'web', sessionId)}`);
    expect(info.Name).toMatch(new RegExp(`^/${projectName}-web-[a-z0-9]{8}$`));
    expect(info.Config.Labels).toMatchObject({
      [PROJECT_LABEL]: projectName,
      [SESSION_LABEL]: sessionId,
      [SERVICE_LABEL]: 'web',
    });
    expect(info.HostConfig.PortBindings).toEqual({
      '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }],
    });
    expect(info.Config.Healthcheck).toMatchObject({ Interval: 1e9, Timeout: 2e9, Retries: 2 });
    expect(info.NetworkSettings.Networks[networkName(projectName)]?.Aliases).toContain('web');
    const network = await docker.getNetwork(networkName(projectName)).inspect();
    expect(network.Labels).toMatchObject({ [PROJECT_LABEL]: projectName });
    const image = await docker.getImage(tag).inspect();
    expect(image.Config.Labels).toMatchObject({
      [PROJECT_LABEL]: projectName,
      [SERVICE_LABEL]: 'web',
    });
    // Not per session: the same sources build the same image in every session.
    expect(image.Config.Labels).not.toHaveProperty(SESSION_LABEL);

    const status = await handle.stop(1_000);
    // httpd as PID 1 ignores SIGTERM, so the Engine's SIGKILL after the grace ends it.
    expect(status).toEqual({ code: 137, signal: null });
    expect(await handle.stop(1_000)).toEqual(status);
    expect(await containerExists(handle.containerId!)).toBe(false);
    const left = await listProjectLeftovers(docker, { projectName });
    expect(left).toEqual({ ok: true, value: { containers: [], networks: [] } });
  });

  it('resolves exited with the exit code of a container that ends by itself, and removes it', async () => {
    const projectName = newProject('job');
    const runtime = dockerRuntime({
      projectName,
      sessionId: `session-${run}-b`,
      projectDir: context,
      docker,
    });
    const ctx = captureOutput();
    const handle = started(
      await runtime.start(
        spec('job', { command: ['/bin/busybox', 'sh', '-c', 'echo last-words; exit 3'] }),
        ctx,
      ),
    );
    expect(await handle.exited).toEqual({ code: 3, signal: null });
    expect(ctx.text('stdout')).toContain('last-words');
    expect(await containerExists(handle.containerId!)).toBe(false);
    expect(await handle.stop(1_000)).toEqual({ code: 3, signal: null });
    const left = await listProjectLeftovers(docker, { projectName });
    expect(left).toEqual({ ok: true, value: { containers: [], networks: [] } });
  });

  it('mounts bind paths read-only and named volumes that outlive the container', async () => {
    const projectName = newProject('volumes');
    const volumeName = `${projectName}_data`;
    const runtime = dockerRuntime({
      projectName,
      sessionId: `session-${run}-v`,
      projectDir: context,
      docker,
    });
    const host = await mkdtemp(join(tmpdir(), 'devenv-bind-'));
    await writeFile(join(host, 'note.txt'), 'from-the-host\n');
    const mounts = {
      volumes: [
        { type: 'bind', source: host, target: '/host', readOnly: true },
        { type: 'volume', name: volumeName, external: false, target: '/data', readOnly: false },
      ] as const,
    };
    try {
      const first = captureOutput();
      const writer = started(
        await runtime.start(
          spec('writer', {
            ...mounts,
            command: [
              '/bin/busybox',
              'sh',
              '-c',
              'cat /host/note.txt; echo kept > /data/kept; touch /host/x 2>/dev/null || echo read-only',
            ],
          }),
          first,
        ),
      );
      expect(await writer.exited).toEqual({ code: 0, signal: null });
      expect(first.text('stdout')).toContain('from-the-host');
      expect(first.text('stdout')).toContain('read-only');
      const volume = await docker.getVolume(volumeName).inspect();
      expect(volume.Labels).toMatchObject({ [PROJECT_LABEL]: projectName });

      const second = captureOutput();
      const reader = started(
        await runtime.start(
          spec('reader', { ...mounts, command: ['/bin/busybox', 'cat', '/data/kept'] }),
          second,
        ),
      );
      expect(await reader.exited).toEqual({ code: 0, signal: null });
      expect(second.text('stdout')).toContain('kept');
    } finally {
      await docker
        .getVolume(volumeName)
        .remove()
        .catch(() => undefined);
      await rm(host, { recursive: true, force: true });
    }
  });

  it('refuses an external volume that does not exist, and says how to create it', async () => {
    const runtime = dockerRuntime({
      projectName: newProject('external'),
      sessionId: `session-${run}-e`,
      projectDir: context,
      docker,
    });
    const result = await runtime.start(
      spec('ext', {
        volumes: [
          { type: 'volume', name: `missing-${run}`, external: true, target: '/x', readOnly: false },
        ],
      }),
      captureOutput(),
    );
    expect(result).toMatchObject({
      ok: false,
      error: { reason: 'external-volume-missing', volume: `missing-${run}` },
    });
    expect(result.ok ? 'started' : describeStartFailure(result.error)).toContain(
      `external volume missing-${run} does not exist: create it (docker volume create missing-${run})`,
    );
  });

  it('fails a start whose build fails, with the last lines of the build', async () => {
    const projectName = newProject('broken');
    const runtime = dockerRuntime({
      projectName,
      sessionId: `session-${run}-c`,
      projectDir: context,
      docker,
    });
    const result = await runtime.start(
      spec('broken', {
        image: `devenv-test-broken:${run}`,
        build: { context, dockerfile: 'Dockerfile.fail' },
      }),
      captureOutput(),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.reason).toBe('image-build-failed');
    expect(describeStartFailure(result.error)).toContain('returned a non-zero code: 7');
    expect(describeStartFailure(result.error)).toContain('failing-step');
    const left = await listProjectLeftovers(docker, { projectName });
    expect(left).toEqual({ ok: true, value: { containers: [], networks: [] } });
  });
});

describe('docker reaper', () => {
  it("removes a dead session's containers by id and by label, sparing other sessions", async () => {
    const projectName = newProject('reaper');
    const dead = `session-${run}-dead`;
    const alive = `session-${run}-alive`;
    const loop = ['/bin/busybox', 'sh', '-c', 'while true; do /bin/busybox sleep 1; done'];
    const deadRuntime = dockerRuntime({
      projectName,
      sessionId: dead,
      projectDir: context,
      docker,
    });
    const aliveRuntime = dockerRuntime({
      projectName,
      sessionId: alive,
      projectDir: context,
      docker,
    });
    const handles: ServiceHandle[] = [
      started(await deadRuntime.start(spec('recorded', { command: loop }), captureOutput())),
      started(await aliveRuntime.start(spec('other', { command: loop }), captureOutput())),
    ];
    // Created but never recorded in the session file (devenv killed in between): only its labels find it.
    const unrecorded = await docker.createContainer({
      Image: tag,
      Cmd: loop,
      Labels: { [PROJECT_LABEL]: projectName, [SESSION_LABEL]: dead },
    });
    // Recorded but unlabelled: only its id finds it.
    const unlabelled = await docker.createContainer({ Image: tag, Cmd: loop });
    strays.push(unlabelled.id);
    const [recorded, other] = handles as [ServiceHandle, ServiceHandle];

    const problems: string[] = [];
    await dockerReaper({
      projectName,
      sessionId: dead,
      docker,
      onProblem: (message) => problems.push(message),
    })([recorded.containerId!, unlabelled.id]);

    expect(problems).toEqual([]);
    expect(await containerExists(recorded.containerId!)).toBe(false);
    expect(await containerExists(unrecorded.id)).toBe(false);
    expect(await containerExists(unlabelled.id)).toBe(false);
    expect(await containerExists(other.containerId!)).toBe(true);
    // The reaped container's handle sees it go: code 137 from the forced removal.
    expect((await recorded.exited).signal).toBeNull();

    await other.stop(0);
    const left = await listProjectLeftovers(docker, { projectName });
    expect(left).toEqual({ ok: true, value: { containers: [], networks: [] } });
  });

  it('removes every container of the project for `devenv down`, and the network', async () => {
    const projectName = newProject('down');
    const runtime = dockerRuntime({
      projectName,
      sessionId: `session-${run}-down`,
      projectDir: context,
      docker,
    });
    const loop = ['/bin/busybox', 'sh', '-c', 'while true; do /bin/busybox sleep 1; done'];
    const handle = started(await runtime.start(spec('svc', { command: loop }), captureOutput()));
    const before = await listProjectLeftovers(docker, { projectName });
    expect(before.ok && before.value.containers.map((c) => c.service)).toEqual(['svc']);
    expect(before.ok && before.value.networks.map((n) => n.name)).toEqual([
      networkName(projectName),
    ]);

    const removed = await removeProjectContainers(docker, { projectName });
    expect(removed.ok && removed.value.containers).toEqual([handle.containerId]);
    await handle.exited;
    const left = await listProjectLeftovers(docker, { projectName });
    expect(left).toEqual({ ok: true, value: { containers: [], networks: [] } });
  });
});
