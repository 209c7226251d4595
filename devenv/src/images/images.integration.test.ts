/**
 * The real thing, with the local Docker Engine: bootstrap the base images from Debian packages
 * (kept by tag between runs; a cold run builds them), build the three application images through
 * the docker runtime's build path, then run each one read-only and non-root next to a Temporal
 * dev server (the temporal-cli image) until its own HEALTHCHECK says healthy.
 */
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDockerEngine } from '../../test/docker-engine.js';
import { loadProjectVersions } from '../../test/project-versions.js';
import { formatDiagnostic } from '../diagnostic.js';
import { loadStack } from '../model/load-stack.js';
import type { Stack } from '../model/stack.js';
import { PROJECT_ROOT } from '../project-root.js';
import type { Versions } from '../versions/versions-file.js';
import { bootstrapBases } from './bootstrap.js';
import { buildApps, checkoutIdentity, type BuiltImage } from './build-apps.js';
import { inspectImage } from './engine.js';
import { appBuildEnv, baseImages, officialImages, type BaseImages } from './image-plan.js';

const RUN = `devenv-images-test-${process.pid}`;
let docker: Dockerode;
let versions: Versions;
let bases: BaseImages;
let stack: Stack;
let built: BuiltImage[] = [];
const containers: Dockerode.Container[] = [];
let network: Dockerode.Network | undefined;
const log: string[] = [];

beforeAll(async () => {
  docker = await requireDockerEngine();
  versions = await loadProjectVersions();
  const b = baseImages(versions);
  if (!b.ok) throw new Error(b.error);
  bases = b.value;
  const loaded = await loadStack({ files: ['compose/compose.yaml'], env: {}, cwd: PROJECT_ROOT });
  if (!loaded.ok) throw new Error(loaded.error.map(formatDiagnostic).join('\n'));
  stack = loaded.value;
}, 60_000);

afterAll(async () => {
  for (const c of containers) await c.remove({ force: true }).catch(() => undefined);
  await network?.remove().catch(() => undefined);
});

async function run(
  name: string,
  image: string,
  env: Record<string, string>,
  cmd?: string[],
): Promise<Dockerode.Container> {
  const container = await docker.createContainer({
    name: `${RUN}-${name}`,
    Image: image,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    ...(cmd ? { Cmd: cmd } : {}),
    HostConfig: {
      NetworkMode: network?.id ?? 'bridge',
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': '' },
      AutoRemove: false,
    },
    NetworkingConfig: { EndpointsConfig: { [`${RUN}`]: { Aliases: [name] } } },
  });
  containers.push(container);
  await container.start();
  return container;
}

/** Until the image's own HEALTHCHECK says healthy (or the container dies). */
async function healthy(container: Dockerode.Container, withinMs: number): Promise<string> {
  const deadline = Date.now() + withinMs;
  let last = 'starting';
  while (Date.now() < deadline) {
    const info = await container.inspect();
    if (!info.State.Running) return `exited ${info.State.ExitCode}`;
    last = info.State.Health?.Status ?? 'no healthcheck';
    if (last === 'healthy' || last === 'no healthcheck') return last;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  return last;
}

async function exec(container: Dockerode.Container, cmd: string[]): Promise<string> {
  const e = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await e.start({});
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve) => {
    docker.modem.demuxStream(
      stream,
      { write: (c: Buffer) => chunks.push(c) } as unknown as NodeJS.WritableStream,
      { write: (c: Buffer) => chunks.push(c) } as unknown as NodeJS.WritableStream,
    );
    stream.on('end', resolve);
  });
  return Buffer.concat(chunks).toString().trim();
}

describe('devenv images (real Docker Engine)', () => {
  it('bootstraps the local base images from Debian packages, and keeps them on a second run', async () => {
    const first = await bootstrapBases({
      docker,
      projectRoot: PROJECT_ROOT,
      versions,
      env: process.env,
      force: false,
      log: (line) => log.push(line),
    });
    expect(first.ok ? 'ok' : first.error).toBe('ok');
    const again = await bootstrapBases({
      docker,
      projectRoot: PROJECT_ROOT,
      versions,
      env: process.env,
      force: false,
      log: (line) => log.push(line),
    });
    expect(again.ok && again.value.steps.map((s) => s.action)).toEqual([
      'skip',
      'skip',
      'skip',
      'skip',
    ]);
    const node = await inspectImage(docker, bases.node);
    expect(node.ok && node.value.id).toMatch(/^sha256:/);
  }, 900_000);

  it('builds the three app images through the docker runtime’s build path, with OCI labels', async () => {
    const official = officialImages(versions);
    if (!official.ok) throw new Error(official.error);
    const identity = await checkoutIdentity(PROJECT_ROOT);
    const args = appBuildEnv({
      env: {},
      ...identity,
      bases: 'local',
      official: official.value,
      local: bases,
    });
    const result = await buildApps({
      docker,
      stack,
      buildEnv: args,
      log: (line) => log.push(line),
    });
    expect(result.ok ? 'ok' : result.error).toBe('ok');
    if (!result.ok) return;
    built = result.value;
    expect(built.map((b) => b.tag)).toEqual([
      'time-cop/worker-typescript:dev',
      'time-cop/worker-python:dev',
      'time-cop/dispatcher:dev',
    ]);
    for (const image of built) {
      const { facts } = image;
      expect(facts.user, image.tag).toMatch(/^[1-9]\d*(:\d+)?$/);
      expect(facts.labels['org.opencontainers.image.version']).toBe(identity.version);
      expect(facts.labels['org.opencontainers.image.revision']).toBe(identity.gitSha);
      for (const key of ['title', 'source', 'licenses'])
        expect(facts.labels[`org.opencontainers.image.${key}`], `${image.tag} ${key}`).toBeTruthy();
      expect(facts.healthcheck?.[0], image.tag).toBe('CMD');
      expect(facts.stopSignal).toBe('SIGTERM');
    }
    // Rebuilding with the same inputs gives the same image (what promote relies on).
    const again = await buildApps({ docker, stack, buildEnv: args, log: () => undefined });
    expect(again.ok && again.value.map((b) => b.facts.id)).toEqual(built.map((b) => b.facts.id));
  }, 1_200_000);

  it('runs each image non-root on a read-only root FS until its HEALTHCHECK passes against Temporal', async () => {
    expect(built).toHaveLength(3);
    network = await docker.createNetwork({ Name: RUN, CheckDuplicate: true });
    const temporal = await run('temporal', bases.temporalCli, {}, [
      'server',
      'start-dev',
      '--ip',
      '0.0.0.0',
      '--namespace',
      'time-cop',
      '--headless',
    ]);
    const common = { TEMPORAL_HOST: 'temporal:7233', TEMPORAL_NAMESPACE: 'time-cop' };
    const tsWorker = await run('worker-typescript', 'time-cop/worker-typescript:dev', {
      ...common,
      // No Postgres in this test: the greeting workflows do not need it.
      DB_MIGRATE: '0',
      DB_SEED: '0',
    });
    const pyWorker = await run('worker-python', 'time-cop/worker-python:dev', common);
    const dispatcher = await run('dispatcher', 'time-cop/dispatcher:dev', common);
    expect(await healthy(temporal, 10_000)).toBe('no healthcheck');

    const states = await Promise.all(
      [tsWorker, pyWorker, dispatcher].map((c) => healthy(c, 120_000)),
    );
    expect(states).toEqual(['healthy', 'healthy', 'healthy']);
    for (const c of [tsWorker, pyWorker, dispatcher]) {
      expect(await exec(c, ['id', '-u'])).toBe('10001');
      // The root filesystem is really read-only for the process.
      expect(await exec(c, ['sh', '-c', 'touch /app/x 2>&1 || echo refused'])).toContain('refused');
    }
    // One workflow across both workers, started through the dispatcher.
    const started = await exec(dispatcher, [
      'node',
      '-e',
      "fetch('http://127.0.0.1:7070/typescript/demo-mixed?name=Ada',{method:'POST',headers:{'content-type':'application/json'}}).then(async r=>console.log(r.status, await r.text()))",
    ]);
    expect(started).toMatch(/^201 /);
    const id = /"workflow_id":"([^"]+)"/.exec(started)?.[1] ?? '';
    let status = '';
    for (let i = 0; i < 30 && !status.includes('COMPLETED'); i++) {
      status = await exec(temporal, [
        'temporal',
        'workflow',
        'describe',
        '-w',
        id,
        '--namespace',
        'time-cop',
      ]);
      await new Promise((r) => setTimeout(r, 1_000));
    }
    expect(status).toMatch(/Status\s+COMPLETED/);
  }, 300_000);
});
