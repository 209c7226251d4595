import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { removeImage, writeBusyboxContext } from '../../test/busybox-image.js';
import { requireDockerEngine } from '../../test/docker-engine.js';
import { captureOutput, serviceSpec, type CapturedOutput } from '../../test/docker-service-spec.js';
import { waitUntil } from '../../test/wait-until.js';
import { formatDiagnostic } from '../diagnostic.js';
import { parseStack } from '../model/load-stack.js';
import type { ServiceSpec } from '../model/stack.js';
import { containerCreateOptions, healthConfig } from './docker-create.js';
import { dockerRuntime } from './docker.js';
import { containerName } from './docker-labels.js';
import { noContainer, resolveVolumesFrom } from './docker-volumes-from.js';
import { buildOptions, buildPlan } from './docker-build.js';
import { createPlatformFor } from './docker-platform.js';
import { removeProjectContainers } from './docker-leftovers.js';
import { describeStartFailure, type ServiceHandle, type StartContext } from './runtime.js';

describe('healthConfig', () => {
  it('sends 0 for an unset timing, so the image’s HEALTHCHECK timing applies (as Compose)', () => {
    expect(healthConfig({ test: ['CMD', 'true'] })).toEqual({
      Test: ['CMD', 'true'],
      Interval: 0,
      Timeout: 0,
      StartPeriod: 0,
      Retries: 0,
    });
    expect(healthConfig({ test: [], timeoutMs: 2_000, retries: 5 })).toEqual({
      Interval: 0,
      Timeout: 2e9,
      StartPeriod: 0,
      Retries: 5,
    });
  });
});

describe('volumes_from in the create request', () => {
  const scope = { projectName: 'shop', sessionId: 's1' };
  it('names a service’s container of the session, a container as written, with the mode', () => {
    const spec = serviceSpec('app', {
      container: {
        volumesFrom: [
          { kind: 'service', service: 'data' },
          { kind: 'service', service: 'cache', mode: 'ro' },
          { kind: 'container', container: 'side', mode: 'rw' },
        ],
      },
    });
    const request = containerCreateOptions(spec, 'img', scope, 'shop_devenv');
    expect(request.HostConfig?.VolumesFrom).toEqual([
      containerName('shop', 'data', 's1'),
      `${containerName('shop', 'cache', 's1')}:ro`,
      'side:rw',
    ]);
    // What the runtime found (a replica's container) wins over the name.
    const found = containerCreateOptions(spec, 'img', scope, 'shop_devenv', {
      volumesFrom: ['shop-data-1-s1'],
    });
    expect(found.HostConfig?.VolumesFrom).toEqual(['shop-data-1-s1']);
    const none = containerCreateOptions(serviceSpec('app'), 'img', scope, 'shop_devenv');
    expect(none.HostConfig).not.toHaveProperty('VolumesFrom');
  });
});

describe('platform', () => {
  const scope = { projectName: 'shop', sessionId: 's1' };
  const spec = serviceSpec('app', { container: { platform: 'linux/arm64' } });

  it('goes to the create request’s query (dockerode sends the top-level platform there)', () => {
    expect(containerCreateOptions(spec, 'img', scope, 'net')).toMatchObject({
      platform: 'linux/arm64',
    });
    expect(
      containerCreateOptions(spec, 'img', scope, 'net', { platform: null }),
    ).not.toHaveProperty('platform');
    expect(containerCreateOptions(serviceSpec('app'), 'img', scope, 'net')).not.toHaveProperty(
      'platform',
    );
  });

  it('is left out, said, on an Engine older than API 1.41', () => {
    expect(createPlatformFor('linux/arm64', '1.41')).toEqual({
      platform: 'linux/arm64',
      notes: [],
    });
    expect(createPlatformFor('linux/arm64', '1.52')).toEqual({
      platform: 'linux/arm64',
      notes: [],
    });
    const old = createPlatformFor('linux/arm64', '1.40');
    expect(old.platform).toBeNull();
    expect(old.notes).toEqual([
      expect.stringMatching(
        /^platform: linux\/arm64 is not applied to the container: this Docker Engine speaks API 1\.40/,
      ),
    ]);
    expect(createPlatformFor(undefined, '1.30')).toEqual({ platform: undefined, notes: [] });
  });

  it('is what the image is built for: the service’s, else a single build.platforms', () => {
    const platformOf = (build: Record<string, unknown>, platform?: string) => {
      const plan = buildPlan({ context: '/src', ...build }, '/src', {}, platform);
      return plan.ok ? plan.value.platform : plan.error;
    };
    expect(platformOf({}, 'linux/amd64')).toBe('linux/amd64');
    expect(platformOf({ platforms: ['linux/arm64'] })).toBe('linux/arm64');
    expect(platformOf({ platforms: ['linux/amd64', 'linux/arm64'] }, 'linux/arm64')).toBe(
      'linux/arm64',
    );
    expect(platformOf({ platforms: ['linux/amd64', 'linux/arm64'] })).toBeUndefined();
    expect(platformOf({})).toBeUndefined();
    // The classic builder's `platform` query parameter (dockerode sends the options there).
    const plan = buildPlan({ context: '/src' }, '/src', {}, 'linux/arm64');
    if (!plan.ok) throw new Error(plan.error);
    expect(buildOptions(plan.value, 'img', {}, undefined)).toMatchObject({
      platform: 'linux/arm64',
    });
    const none = buildPlan({ context: '/src' }, '/src', {});
    if (!none.ok) throw new Error(none.error);
    expect(buildOptions(none.value, 'img', {}, undefined)).not.toHaveProperty('platform');
  });
});

/**
 * The create request as the real Engine of this machine applies it, for an image built here from a
 * static busybox whose own HEALTHCHECK probes every second.
 */
const run = `${process.pid}-${Date.now()}`;
const tag = `devenv-test-create:${run}`;
const amd64Tag = `devenv-test-create-amd64:${run}`;
const projectName = `devenvtest-${run}-create`;
const sessionId = `session-${run}`;

describe('docker runtime: the create request on the real Engine', () => {
  let docker: Dockerode;
  let context: string;
  const handles: ServiceHandle[] = [];

  beforeAll(async () => {
    docker = await requireDockerEngine();
    context = await mkdtemp(join(tmpdir(), 'devenv-create-'));
    await writeBusyboxContext(context, [
      'HEALTHCHECK --interval=1s --timeout=5s CMD ["/bin/busybox", "true"]',
      'CMD ["/bin/busybox", "sleep", "3600"]',
    ]);
  }, 60_000);

  afterEach(async () => {
    for (const handle of handles.splice(0)) await handle.stop(0);
  });

  afterAll(async () => {
    if (!docker) return;
    await removeProjectContainers(docker, { projectName, ids: [] });
    await removeImage(docker, tag);
    await removeImage(docker, amd64Tag);
    if (context) await rm(context, { recursive: true, force: true });
  }, 60_000);

  const runtime = () => dockerRuntime({ projectName, sessionId, projectDir: context, docker });

  /** The service `name` of a Compose file holding `lines` under it (image and build given). */
  function loaded(name: string, lines: readonly string[]): ServiceSpec {
    const text = [
      'services:',
      `  ${name}:`,
      `    image: ${tag}`,
      '    build: .',
      ...lines.map((line) => `    ${line}`),
      '',
    ].join('\n');
    const stack = parseStack([{ file: 'compose.yaml', text }], { projectDir: context, env: {} });
    if (!stack.ok) throw new Error(stack.error.map((d) => formatDiagnostic(d)).join('\n'));
    return stack.value.services[name]!;
  }

  /** Every service of a Compose file of `lines` under `services:`. */
  function loadedStack(lines: readonly string[]): Readonly<Record<string, ServiceSpec>> {
    const text = ['services:', ...lines.map((line) => `  ${line}`), ''].join('\n');
    const stack = parseStack([{ file: 'compose.yaml', text }], { projectDir: context, env: {} });
    if (!stack.ok) throw new Error(stack.error.map((d) => formatDiagnostic(d)).join('\n'));
    return stack.value.services;
  }

  /** Waits for the line the container prints last (`done`), and gives its whole output. */
  async function outputOf(ctx: CapturedOutput): Promise<string> {
    await waitUntil('the container’s output', 30_000, () =>
      ctx.text('stdout').includes('done\n') ? true : undefined,
    );
    return ctx.text('stdout');
  }

  async function start(service: ServiceSpec, ctx: StartContext = captureOutput()) {
    const result = await runtime().start(service, ctx);
    if (!result.ok) throw new Error(`start failed: ${describeStartFailure(result.error)}`);
    handles.push(result.value);
    return docker.getContainer(result.value.containerId!);
  }

  it('keeps the image’s HEALTHCHECK timings where the healthcheck leaves them unset', async () => {
    const container = await start(
      loaded('checked', ['healthcheck: {test: [CMD, /bin/busybox, "true"]}']),
    );
    // The Engine merges the image's HEALTHCHECK into what the request leaves 0: its 1 s interval
    // and 5 s timeout (a filled-in default would have been 30 s for both).
    const check = (await container.inspect()).Config.Healthcheck;
    expect(check).toMatchObject({
      Test: ['CMD', '/bin/busybox', 'true'],
      Interval: 1e9,
      Timeout: 5e9,
    });
    expect(check?.Retries ?? 0).toBe(0);
    // With the image's 1 s interval the first check passes within seconds; Docker's default
    // (what a filled-in 30 s would be) would take half a minute.
    await waitUntil('the container to turn healthy', 15_000, async () => {
      const state = (await container.inspect()).State.Health?.Status;
      return state === 'healthy' ? true : undefined;
    });
  }, 90_000);

  it('applies a timing the file writes over the image’s', async () => {
    const container = await start(
      loaded('slow', ['healthcheck: {interval: 1m, retries: 7, disable: false}']),
    );
    // The image's test and timeout, the file's interval and retries.
    expect((await container.inspect()).Config.Healthcheck).toMatchObject({
      Test: ['CMD', '/bin/busybox', 'true'],
      Interval: 60e9,
      Timeout: 5e9,
      Retries: 7,
    });
  }, 90_000);

  it('mounts volumes_from: a file one container writes, another reads (read-only with :ro)', async () => {
    const services = loadedStack([
      'data:',
      `  image: ${tag}`,
      '  build: .',
      '  volumes: [/shared]',
      '  command: [/bin/busybox, sh, -c, "echo hello > /shared/note; echo done; exec /bin/busybox sleep 3600"]',
      'reader:',
      `  image: ${tag}`,
      '  volumes_from: ["data:ro"]',
      '  command: [/bin/busybox, sh, -c, "echo read=$$(/bin/busybox cat /shared/note); /bin/busybox touch /shared/x 2>/dev/null && echo write=ok || echo write=refused; echo done; exec /bin/busybox sleep 3600"]',
      'writer:',
      `  image: ${tag}`,
      `  volumes_from: ["container:${containerName(projectName, 'data', sessionId)}"]`,
      '  command: [/bin/busybox, sh, -c, "echo more >> /shared/note; echo done; exec /bin/busybox sleep 3600"]',
    ]);
    expect(services['reader']?.dependsOn).toHaveProperty('data');
    const data = captureOutput();
    await start(services['data']!, data);
    await outputOf(data);
    const resolved = await resolveVolumesFrom(docker, services['reader']!, {
      projectName,
      sessionId,
    });
    expect(resolved).toEqual({
      ok: true,
      value: [`${containerName(projectName, 'data', sessionId)}:ro`],
    });
    const reader = captureOutput();
    await start(services['reader']!, reader);
    const read = await outputOf(reader);
    expect(read).toContain('read=hello\n');
    expect(read).toContain('write=refused\n');
    const writer = captureOutput();
    await start(services['writer']!, writer);
    await outputOf(writer);
    const again = captureOutput();
    await start({ ...services['reader']!, name: 'reader-2' }, again);
    expect(await outputOf(again)).toContain('read=hello more\n');
  }, 90_000);

  it('says a volumes_from service without a container here (a native one) cannot lend its volumes', async () => {
    const spec = serviceSpec('app', {
      image: tag,
      container: { volumesFrom: [{ kind: 'service', service: 'native-db' }] },
    });
    const resolved = await resolveVolumesFrom(docker, spec, { projectName, sessionId });
    const looked = ['native-db', 'native-db-1'].map((s) =>
      containerName(projectName, s, sessionId),
    );
    expect(resolved).toEqual({
      ok: false,
      error: { reason: 'unavailable', why: noContainer('native-db', looked) },
    });
    expect(noContainer('native-db', looked)).toMatch(
      /^volumes_from: service "native-db" has no container in this session .*runs natively/,
    );
  }, 30_000);

  it('builds and creates for platform: linux/amd64; a platform the image lacks fails, said', async () => {
    const services = loadedStack([
      'native-arch:',
      `  image: ${amd64Tag}`,
      '  build: .',
      '  platform: linux/amd64',
      'other-arch:',
      `  image: ${amd64Tag}`,
      '  platform: linux/s390x',
    ]);
    const container = await start(services['native-arch']!);
    const image = await docker.getImage(amd64Tag).inspect();
    expect(`${image.Os}/${image.Architecture}`).toBe('linux/amd64');
    expect((await container.inspect()).State.Running).toBe(true);

    const refused = await runtime().start(services['other-arch']!, captureOutput());
    if (refused.ok) handles.push(refused.value);
    expect(refused.ok).toBe(false);
    if (!refused.ok)
      expect(describeStartFailure(refused.error)).toMatch(
        new RegExp(
          `^cannot create container ${containerName(projectName, 'other-arch', sessionId)}: .*platform.*linux/s390x`,
        ),
      );
  }, 90_000);
});
