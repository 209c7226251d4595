import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { removeImage, writeBusyboxContext } from '../../test/busybox-image.js';
import { requireDockerEngine } from '../../test/docker-engine.js';
import { captureOutput } from '../../test/docker-service-spec.js';
import { waitUntil } from '../../test/wait-until.js';
import { formatDiagnostic } from '../diagnostic.js';
import { parseStack } from '../model/load-stack.js';
import type { ServiceSpec } from '../model/stack.js';
import { healthConfig } from './docker-create.js';
import { dockerRuntime } from './docker.js';
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

/**
 * The create request as the real Engine of this machine applies it, for an image built here from a
 * static busybox whose own HEALTHCHECK probes every second.
 */
const run = `${process.pid}-${Date.now()}`;
const tag = `devenv-test-create:${run}`;
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
});
