import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEVENV_BIN } from '../../test/devenv-process.js';
import { removeImage, writeBusyboxContext } from '../../test/busybox-image.js';
import { requireDockerEngine } from '../../test/docker-engine.js';
import { captureOutput, serviceSpec } from '../../test/docker-service-spec.js';
import { pullCommand } from '../cli/pull-command.js';
import type { CommandContext } from '../cli/command.js';
import type { PullPolicy } from '../model/pull-policy.js';
import type { ServiceSpec } from '../model/stack.js';
import { freePort } from '../process/free-port.js';
import { dockerRuntime } from './docker.js';
import { removeProjectContainers } from './docker-leftovers.js';
import type { PullOverride } from './docker-pull-policy.js';
import { pullImage, pullTimesFile } from './docker-pull.js';
import { describeStartFailure } from './runtime.js';
import { describeUnavailable } from './unavailable.js';

/**
 * Pulls against the real Engine. Nothing here reaches the internet: a registry that does not
 * answer is a closed loopback port, and a registry that does is the CNCF distribution registry
 * (built from the Go module proxy) on 127.0.0.1, which the Engine trusts over plain HTTP.
 */
const run = `${process.pid}-${Date.now()}`;
const projectName = `devenvtest-pull-${run}`;
const REGISTRY_VERSION = 'v3.1.2';
const REGISTRY_MODULE = 'github.com/distribution/distribution/v3/cmd/registry';

let docker: Dockerode;
let dir: string;
/** A tiny image built here: a static busybox. */
let localTag: string;
/** A loopback port nothing listens on: a registry there cannot be reached. */
let closedPort: number;
const tags: string[] = [];

beforeAll(async () => {
  docker = await requireDockerEngine();
  dir = await mkdtemp(join(tmpdir(), 'devenv-pull-'));
  await writeBusyboxContext(dir);
  localTag = `devenv-pull-test:${run}`;
  tags.push(localTag);
  const stream = await docker.buildImage(
    { context: dir, src: ['Dockerfile', 'busybox'] },
    { t: localTag },
  );
  await new Promise((resolve, reject) =>
    docker.modem.followProgress(stream, (error) => (error ? reject(error) : resolve(undefined))),
  );
  closedPort = await freePort();
});

afterEach(async () => {
  await removeProjectContainers(docker, { projectName, ids: [] });
});

afterAll(async () => {
  for (const tag of tags) await removeImage(docker, tag);
  if (dir) await rm(dir, { recursive: true, force: true });
});

const spec = (image: string, policy?: PullPolicy): ServiceSpec =>
  serviceSpec('cache', {
    image,
    command: ['/bin/busybox', 'sleep', '30'],
    ...(policy ? { container: { pullPolicy: policy } } : {}),
  });

function runtime(stateDir: string, pull?: PullOverride) {
  return dockerRuntime({
    projectName,
    sessionId: 's-pull',
    projectDir: dir,
    stateDir,
    docker,
    ...(pull ? { pull } : {}),
  });
}

/** Tags the local image under another name (a registry's), removed after the file. */
async function alias(ref: string): Promise<void> {
  const [repo = '', tag] = [
    ref.slice(0, ref.lastIndexOf(':')),
    ref.slice(ref.lastIndexOf(':') + 1),
  ];
  await docker.getImage(localTag).tag({ repo, tag });
  tags.push(ref);
}

/** Removes a tag here (the registry keeps the image); already gone is fine. */
async function removeLocal(ref: string): Promise<void> {
  await docker
    .getImage(ref)
    .remove()
    .catch((error: { statusCode?: number }) => {
      if (error.statusCode !== 404) throw error;
    });
}

async function isHere(ref: string): Promise<boolean> {
  return docker
    .getImage(ref)
    .inspect()
    .then(
      () => true,
      () => false,
    );
}

/** Runs `devenv pull` on a compose file written for the test; its exit status and stderr lines. */
async function devenvPull(compose: string, args: readonly string[]) {
  const project = await mkdtemp(join(dir, 'project-'));
  await writeFile(join(project, 'compose.yaml'), compose);
  await writeFile(join(project, 'Dockerfile'), 'FROM scratch\n');
  const stderr: string[] = [];
  const ctx: CommandContext = {
    projectRoot: project,
    env: {},
    stdout: {},
    out: () => {},
    err: (text) => stderr.push(...text.split('\n')),
  };
  const code = await pullCommand(['-f', join(project, 'compose.yaml'), ...args], ctx);
  return { code, stderr, stateDir: join(project, '.devenv') };
}

describe('pull_policy against the real Engine, no registry reachable', () => {
  it('never, with the image absent: the check fails, naming the image and the policy', async () => {
    const state = await mkdtemp(join(dir, 'state-'));
    const image = `127.0.0.1:${closedPort}/absent:${run}`;
    const result = await runtime(state).check(spec(image, { kind: 'never' }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const said = describeUnavailable(result.error);
    expect(said).toContain(`image ${image} is not present locally, and its pull_policy is never`);
    expect(said).toContain('devenv pull cache');
  });

  it('missing, with the image present: starts it without asking the (unreachable) registry', async () => {
    const state = await mkdtemp(join(dir, 'state-'));
    const image = `127.0.0.1:${closedPort}/present:${run}`;
    await alias(image);
    const ctx = captureOutput();
    const docker = runtime(state);
    expect(await docker.check(spec(image, { kind: 'missing' }))).toEqual({
      ok: true,
      value: undefined,
    });
    const started = await docker.start(spec(image, { kind: 'missing' }), ctx);
    if (!started.ok) throw new Error(describeStartFailure(started.error));
    await started.value.stop(0);
    expect(ctx.lines('devenv').filter((line) => line.startsWith('pull '))).toEqual([]);
    expect(existsSync(pullTimesFile(state))).toBe(false);
  });

  it("a registry that cannot be reached: the start fails with the image, the Engine's reason and what to do", async () => {
    const state = await mkdtemp(join(dir, 'state-'));
    const image = `127.0.0.1:${closedPort}/unreachable:${run}`;
    const ctx = captureOutput();
    const started = await runtime(state).start(spec(image, { kind: 'always' }), ctx);
    expect(started.ok).toBe(false);
    if (started.ok) return;
    const said = describeStartFailure(started.error);
    expect(said).toContain(`cannot pull image ${image}:`);
    expect(said).toContain('connection refused');
    expect(said).toContain('docker login');
    expect(said).toContain('devenv images bootstrap');
  });

  it('--pull never over always: the image here is used, no pull is tried', async () => {
    const state = await mkdtemp(join(dir, 'state-'));
    const image = `127.0.0.1:${closedPort}/override:${run}`;
    await alias(image);
    const ctx = captureOutput();
    const started = await runtime(state, 'never').start(spec(image, { kind: 'always' }), ctx);
    if (!started.ok) throw new Error(describeStartFailure(started.error));
    await started.value.stop(0);
    expect(ctx.lines('devenv').filter((line) => line.startsWith('pull '))).toEqual([]);
  });

  it('devenv pull: a failure names the service, image and reason; a buildable one is a warning', async () => {
    const image = `127.0.0.1:${closedPort}/cli:${run}`;
    const compose =
      `services:\n  cache:\n    image: ${image}-a\n  api:\n    image: ${image}-b\n    build: .\n` +
      `  off:\n    image: ${image}-c\n    pull_policy: never\n`;
    const failed = await devenvPull(compose, []);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('off: skipped (pull_policy: never)');
    expect(failed.stderr).toContainEqual(
      expect.stringMatching(
        new RegExp(`^cache: cannot pull image ${image}-a: .*connection refused`),
      ),
    );
    expect(failed.stderr).toContainEqual(
      expect.stringMatching(/^warning: api: cannot pull image .*\(it can be built/),
    );
    const tolerated = await devenvPull(compose, ['--ignore-pull-failures', '-q']);
    expect(tolerated.code).toBe(0);
    expect(tolerated.stderr).toContainEqual(expect.stringMatching(/^warning: cache: cannot pull/));
    expect(await devenvPull(compose, ['api'])).toMatchObject({ code: 0 });
  });

  it("Docker Hub, unreachable from here: the failure carries the Engine's reason for it", async () => {
    const lines: string[] = [];
    const pulled = await pullImage(docker, 'redis:7', (line) => lines.push(line));
    expect(pulled.ok).toBe(false);
    if (pulled.ok) return;
    // Here: `Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io …: no such host`.
    expect(pulled.error).toMatch(
      /^cannot pull image redis:7: Get "https:\/\/registry-1\.docker\.io/,
    );
    expect(lines).toEqual(['pull redis:7: pulling']);
  });

  it('a pull in flight (its registry never answers) ends as soon as the signal aborts it', async () => {
    // A "registry" that accepts the Engine's connection and never answers: the pull hangs there
    // until the Engine gives up on it (closing the connection) or devenv aborts.
    const held: Socket[] = [];
    let engineGaveUp = false;
    const connected = Promise.withResolvers<void>();
    const server = createServer((socket) => {
      held.push(socket);
      socket.once('close', () => (engineGaveUp = true));
      connected.resolve();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const stop = new AbortController();
      const pulling = pullImage(docker, `127.0.0.1:${port}/hangs:${run}`, () => {}, stop.signal);
      await connected.promise;
      stop.abort();
      expect(await pulling).toEqual({ ok: false, error: expect.stringContaining(': stopped →') });
      // Ended by the abort, not by the Engine's own timeout: its registry connection is still open.
      expect(engineGaveUp).toBe(false);
    } finally {
      for (const socket of held) socket.destroy();
      server.close();
    }
  });

  it('a pull cancelled before it starts says it was stopped', async () => {
    const stop = new AbortController();
    stop.abort();
    const pulled = await pullImage(
      docker,
      `127.0.0.1:${closedPort}/x:${run}`,
      () => {},
      stop.signal,
    );
    expect(pulled).toEqual({ ok: false, error: expect.stringContaining(': stopped →') });
  });
});

/**
 * The registry binary: built once from the Go module proxy into ~/.cache/devenv-test-tools (the
 * build cache makes later builds quick); fails, never skips, when Go is missing.
 */
async function registryBinary(): Promise<string> {
  const binDir = join(homedir(), '.cache', 'devenv-test-tools');
  const binary = join(binDir, `registry-${REGISTRY_VERSION}`);
  if (existsSync(binary)) return binary;
  const built = join(binDir, `build-${process.pid}`);
  await mkdir(built, { recursive: true });
  const child = spawn('go', ['install', `${REGISTRY_MODULE}@${REGISTRY_VERSION}`], {
    env: { ...process.env, GOBIN: built },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0)
    throw new Error(`go install ${REGISTRY_MODULE} failed (install Go 1.24+): ${stderr}`);
  await copyFile(join(built, 'registry'), binary);
  await rm(built, { recursive: true, force: true });
  return binary;
}

/** The registry on 127.0.0.1:`port`, storing in a temp dir; resolves once it answers /v2/. */
async function startRegistry(port: number): Promise<ChildProcess> {
  const storage = await mkdtemp(join(dir, 'registry-'));
  const config = join(storage, 'config.yml');
  await writeFile(
    config,
    `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${storage}/data\n` +
      `http:\n  addr: 127.0.0.1:${port}\n`,
  );
  const child = spawn(await registryBinary(), ['serve', config], { stdio: 'ignore' });
  for (let attempt = 0; attempt < 200; attempt++) {
    const up = await fetch(`http://127.0.0.1:${port}/v2/`).then(
      (answer) => answer.ok,
      () => false,
    );
    if (up) return child;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill();
  throw new Error(`the registry did not answer on 127.0.0.1:${port}`);
}

async function push(ref: string): Promise<void> {
  const stream = await docker.getImage(ref).push({ authconfig: {} });
  const events: { error?: string }[] = await new Promise((resolve, reject) =>
    docker.modem.followProgress(stream, (error, output: { error?: string }[]) =>
      error ? reject(error) : resolve(output),
    ),
  );
  const failed = events.find((event) => event.error !== undefined);
  if (failed) throw new Error(`push ${ref}: ${failed.error}`);
}

describe('pulls from a registry on loopback (the CNCF distribution registry)', () => {
  let registry: ChildProcess | undefined;
  let image: string;

  beforeAll(async () => {
    const port = await freePort();
    registry = await startRegistry(port);
    image = `127.0.0.1:${port}/devenv-pull-test:${run}`;
    // The busybox layer of the local image, which stays, and one of its own that must be downloaded.
    await writeFile(join(dir, 'note'), `pushed by ${run}\n`);
    await writeFile(
      join(dir, 'Dockerfile.pushed'),
      'FROM scratch\nCOPY busybox /bin/busybox\nCOPY note /note\n',
    );
    const stream = await docker.buildImage(
      { context: dir, src: ['Dockerfile.pushed', 'busybox', 'note'] },
      { t: image, dockerfile: 'Dockerfile.pushed' },
    );
    await new Promise((resolve, reject) =>
      docker.modem.followProgress(stream, (error) => (error ? reject(error) : resolve(undefined))),
    );
    tags.push(image);
    await push(image);
    await removeLocal(image);
  }, 15 * 60_000);

  afterAll(() => {
    registry?.kill();
  });

  it('missing, absent: pulls it with layer counts in the log, records the pull, then runs it', async () => {
    expect(await isHere(image)).toBe(false);
    const state = await mkdtemp(join(dir, 'state-'));
    const ctx = captureOutput();
    const docker = runtime(state);
    expect(await docker.check(spec(image))).toEqual({ ok: true, value: undefined });
    const started = await docker.start(spec(image), ctx);
    if (!started.ok) throw new Error(describeStartFailure(started.error));
    await started.value.stop(0);
    expect(await isHere(image)).toBe(true);
    const lines = ctx.lines('devenv').filter((line) => line.startsWith(`pull ${image}`));
    expect(lines.at(-1)).toMatch(/: done in [\d.]+ s, 2\/2 layers \(1 already here\)$/);
    // A line per layer done, not one per download event.
    expect(lines.length).toBeLessThan(8);
    const times = JSON.parse(await readFile(pullTimesFile(state), 'utf8')) as Record<
      string,
      number
    >;
    expect(typeof times[image]).toBe('number');
  });

  it('devenv pull SERVICE: pulls it back, records the pull; -q shows no progress', async () => {
    await removeLocal(image);
    const compose = `services:\n  app:\n    image: ${image}\n`;
    const pulled = await devenvPull(compose, ['app']);
    expect(pulled.code).toBe(0);
    expect(await isHere(image)).toBe(true);
    expect(pulled.stderr).toContainEqual(
      expect.stringMatching(new RegExp(`^pull ${image}: done in`)),
    );
    const times = JSON.parse(await readFile(pullTimesFile(pulled.stateDir), 'utf8')) as Record<
      string,
      number
    >;
    expect(typeof times[image]).toBe('number');
    const quiet = await devenvPull(compose, ['-q']);
    expect(quiet).toMatchObject({ code: 0, stderr: [] });
  });

  it('devenv up --runtime docker pulls the absent image back, its log showing the pull', async () => {
    await removeLocal(image);
    const project = await mkdtemp(join(dir, 'up-'));
    const file = join(project, 'compose.yaml');
    await writeFile(
      file,
      `name: devenv-pull-up-${process.pid}\nservices:\n  app:\n    image: ${image}\n` +
        '    command: ["/bin/busybox", "sleep", "60"]\n    stop_grace_period: 0s\n',
    );
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [DEVENV_BIN, 'up', '--ci', '--runtime', 'docker', '-f', file],
      { cwd: project, timeout: 120_000 },
    );
    expect(stdout).toMatch(/ready/i);
    expect(await isHere(image)).toBe(true);
    const log = await readFile(join(project, '.devenv', 'logs', 'app.log'), 'utf8');
    expect(log).toContain(`pull ${image}: done in`);
  }, 150_000);

  it('daily: a pull recorded a moment ago is fresh, always pulls again (up to date)', async () => {
    const state = await mkdtemp(join(dir, 'state-'));
    const daily: PullPolicy = { kind: 'refresh', everyMs: 86_400_000, written: 'daily' };
    const first = captureOutput();
    const pulled = await runtime(state).start(spec(image, daily), first);
    if (!pulled.ok) throw new Error(describeStartFailure(pulled.error));
    await pulled.value.stop(0);
    // Present but never pulled by this state: due.
    expect(first.lines('devenv').some((line) => line.startsWith(`pull ${image}: done`))).toBe(true);
    const second = captureOutput();
    const fresh = await runtime(state).start(spec(image, daily), second);
    if (!fresh.ok) throw new Error(describeStartFailure(fresh.error));
    await fresh.value.stop(0);
    expect(second.lines('devenv').filter((line) => line.startsWith('pull '))).toEqual([]);
    const third = captureOutput();
    const again = await runtime(state, 'always').start(spec(image, daily), third);
    if (!again.ok) throw new Error(describeStartFailure(again.error));
    await again.value.stop(0);
    expect(third.lines('devenv')).toContain(
      `pull ${image}: Status: Image is up to date for ${image}`,
    );
  });
});
