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
import { dockerRuntime } from './docker.js';
import { containerName } from './docker-labels.js';
import { removeProjectContainers } from './docker-leftovers.js';
import { describeStartFailure, type ServiceHandle, type StartContext } from './runtime.js';

/**
 * Compose's container options applied by the real Engine of this machine: each test starts
 * containers of an image built here from a static busybox, and reads what the container sees.
 */
const run = `${process.pid}-${Date.now()}`;
const tag = `devenv-test-options:${run}`;
const projectName = `devenvtest-${run}-options`;
const sessionId = `session-${run}`;

let docker: Dockerode;
let context: string;
const handles: ServiceHandle[] = [];

beforeAll(async () => {
  docker = await requireDockerEngine();
  context = await mkdtemp(join(tmpdir(), 'devenv-options-'));
  await writeBusyboxContext(context, ['CMD ["/bin/busybox", "sleep", "3600"]'], {
    'db-password.txt': 'from-a-file',
    '.env': 'API_TOKEN=from-dotenv\n',
  });
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

const spec = (name: string, overrides: Partial<ServiceSpec> = {}): ServiceSpec =>
  serviceSpec(name, { image: tag, build: { context }, ...overrides });

const sh = (script: string) => ['/bin/busybox', 'sh', '-c', script];

const runtime = () => dockerRuntime({ projectName, sessionId, projectDir: context, docker });

async function start(service: ServiceSpec, ctx: StartContext = captureOutput()) {
  const result = await runtime().start(service, ctx);
  if (!result.ok) throw new Error(`start failed: ${describeStartFailure(result.error)}`);
  handles.push(result.value);
  return { handle: result.value, container: docker.getContainer(result.value.containerId!) };
}

/** Waits for the line the container prints last (`done`), and gives its whole output. */
async function outputOf(ctx: CapturedOutput, last = 'done\n'): Promise<string> {
  await waitUntil('the container’s output', 30_000, () =>
    ctx.text('stdout').includes(last) ? true : undefined,
  );
  return ctx.text('stdout');
}

describe('docker runtime: Compose container options', () => {
  it('gives the container its shm size, host entries, tmpfs, ulimits, hostname, secrets and configs', async () => {
    const ctx = captureOutput();
    const { container } = await start(
      spec('db', {
        labels: { team: 'data' },
        command: sh(
          [
            'b=/bin/busybox',
            'echo "shm=$($b grep " /dev/shm " /proc/mounts)"',
            'echo "hosts=$($b grep host.docker.internal /etc/hosts)"',
            'echo "tmpfs=$($b grep " /scratch " /proc/mounts)"',
            'echo "nofile=$(ulimit -n)"',
            'echo "hostname=$($b hostname)"',
            'echo "secret=$($b cat /run/secrets/db_password)"',
            'echo "token=$($b cat /run/secrets/api-token) $($b stat -c "%u:%g %a" /run/secrets/api-token)"',
            'echo "config=$($b cat /etc/app.conf)"',
            'echo done',
            'exec $b sleep 3600',
          ].join('; '),
        ),
        container: {
          shmSizeBytes: 64 * 2 ** 20,
          extraHosts: ['host.docker.internal:host-gateway'],
          tmpfs: { '/scratch': 'size=1m' },
          ulimits: [{ name: 'nofile', soft: 1234, hard: 2345 }],
          hostname: 'db-host',
          init: true,
          pidsLimit: 64,
          memoryBytes: 256 * 2 ** 20,
          capDrop: ['MKNOD'],
        },
        files: [
          {
            kind: 'secret',
            name: 'db_password',
            target: '/run/secrets/db_password',
            source: { kind: 'file', path: join(context, 'db-password.txt') },
          },
          {
            kind: 'secret',
            name: 'token',
            target: '/run/secrets/api-token',
            source: { kind: 'environment', variable: 'API_TOKEN' },
            uid: 1000,
            gid: 2000,
            mode: 0o440,
          },
          {
            kind: 'config',
            name: 'app',
            target: '/etc/app.conf',
            source: { kind: 'content', content: 'level=debug' },
          },
        ],
      }),
      ctx,
    );
    const out = await outputOf(ctx);
    expect(out).toMatch(/^shm=shm \/dev\/shm tmpfs .*size=65536k/m);
    expect(out).toMatch(/^hosts=\S+\s+host\.docker\.internal$/m);
    expect(out).toMatch(/^tmpfs=tmpfs \/scratch tmpfs .*size=1024k/m);
    expect(out).toContain('nofile=1234\n');
    expect(out).toContain('hostname=db-host\n');
    expect(out).toContain('secret=from-a-file\n');
    expect(out).toContain('token=from-dotenv 1000:2000 440\n');
    expect(out).toContain('config=level=debug\n');
    const info = await container.inspect();
    expect(info.HostConfig).toMatchObject({
      Init: true,
      PidsLimit: 64,
      Memory: 256 * 2 ** 20,
      CapDrop: ['MKNOD'],
    });
    expect(info.Config.Labels).toMatchObject({ team: 'data', 'dev.devenv.project': projectName });
  }, 90_000);

  it('runs a Compose file’s options as loaded: the model’s spec reaches the Engine whole', async () => {
    const text = [
      'services:',
      '  db:',
      `    image: ${tag}`,
      '    build: .',
      '    stop_signal: SIGUSR1',
      '    shm_size: 32m',
      '    extra_hosts: [host.docker.internal:host-gateway]',
      '    labels: {team: data}',
      '    networks: {back: {aliases: [database]}}',
      '    secrets: [db_password]',
      '    configs: [{source: app, target: /etc/app.conf, mode: 0440}]',
      '    command: [/bin/busybox, sh, -c, "/bin/busybox cat /run/secrets/db_password /etc/app.conf; echo; echo done; exec /bin/busybox sleep 3600"]',
      'networks: {back: {}}',
      'secrets: {db_password: {file: ./db-password.txt}}',
      'configs: {app: {content: " level=info"}}',
      '',
    ].join('\n');
    const loaded = parseStack([{ file: 'compose.yaml', text }], { projectDir: context, env: {} });
    if (!loaded.ok) throw new Error(loaded.error.map((d) => formatDiagnostic(d)).join('\n'));
    const ctx = captureOutput();
    const { container } = await start(loaded.value.services['db']!, ctx);
    expect(await outputOf(ctx)).toContain('from-a-file level=info\n');
    const info = await container.inspect();
    expect(info.Config).toMatchObject({ StopSignal: 'SIGUSR1' });
    expect(info.HostConfig).toMatchObject({
      ShmSize: 32 * 2 ** 20,
      ExtraHosts: ['host.docker.internal:host-gateway'],
    });
    expect(info.Config.Labels).toMatchObject({ team: 'data' });
    const network = Object.values(info.NetworkSettings.Networks)[0];
    expect(network?.Aliases).toEqual(expect.arrayContaining(['db', 'database']));
  }, 90_000);

  it('stops the container with its stop_signal', async () => {
    const trap = (signal: string) => `trap "echo got ${signal}; exit 0" ${signal}`;
    const script = `${trap('INT')}; ${trap('TERM')}; echo done; while true; do /bin/busybox sleep 1 & wait; done`;
    for (const [stopSignal, expected] of [
      ['SIGINT', 'got INT'],
      [undefined, 'got TERM'],
    ] as const) {
      const ctx = captureOutput();
      const { handle } = await start(
        spec('stopper', {
          command: sh(script),
          ...(stopSignal === undefined ? {} : { container: { stopSignal } }),
        }),
        ctx,
      );
      await outputOf(ctx);
      await handle.stop(10_000);
      expect(ctx.text('stdout')).toContain(`${expected}\n`);
    }
  }, 90_000);

  it('lets another container reach it by its network aliases and a link alias, and shares its network with service:', async () => {
    await start(spec('db', { container: { aliases: ['postgres', 'my-db'] } }));
    const ctx = captureOutput();
    const lookups = ['postgres', 'my-db', 'database', 'nosuchname']
      .map(
        (name) =>
          `/bin/busybox nslookup ${name} >/dev/null 2>&1 && echo "${name}=found" || echo "${name}=missing"`,
      )
      .join('; ');
    await start(
      spec('client', {
        command: sh(`${lookups}; echo done; exec /bin/busybox sleep 3600`),
        container: { links: [{ service: 'db', alias: 'database' }] },
      }),
      ctx,
    );
    const out = await outputOf(ctx);
    expect(out).toContain('postgres=found\n');
    expect(out).toContain('my-db=found\n');
    expect(out).toContain('database=found\n');
    // The control: a name nobody has does not resolve, so "found" means something.
    expect(out).toContain('nosuchname=missing\n');

    // A link to a service with no container here (native, or not started) is left out, said.
    const orphan = captureOutput();
    await start(
      spec('orphan', {
        command: sh('echo done; exec /bin/busybox sleep 3600'),
        container: { links: [{ service: 'absent', alias: 'gone' }] },
      }),
      orphan,
    );
    expect(orphan.text('devenv')).toContain(
      `links: alias "gone" is not set: no container ${containerName(projectName, 'absent', sessionId)} runs in this session`,
    );

    const { container } = await start(
      spec('sidecar', { container: { networkMode: { kind: 'service', service: 'db' } } }),
    );
    const db = await docker.getContainer(containerName(projectName, 'db', sessionId)).inspect();
    expect((await container.inspect()).HostConfig.NetworkMode).toBe(`container:${db.Id}`);
  }, 90_000);

  it('reads a tty: true container’s output as the terminal gives it, however short', async () => {
    // Four bytes, "ok\r\n": shorter than a stdout/stderr frame's header, which a demultiplexer
    // would wait for forever.
    const ctx = captureOutput();
    await start(
      spec('terminal', {
        command: sh('echo ok; exec /bin/busybox sleep 3600'),
        container: { tty: true },
      }),
      ctx,
    );
    expect(await outputOf(ctx, 'ok\r\n')).toMatch(/^ok\r$/m);
  }, 90_000);

  it("passes the Engine's own refusal through when privileged: true cannot start here", async () => {
    const result = await runtime().start(
      spec('priv', { container: { privileged: true } }),
      captureOutput(),
    );
    if (result.ok) {
      handles.push(result.value);
      const info = await docker.getContainer(result.value.containerId!).inspect();
      expect(info.HostConfig.Privileged).toBe(true);
      return;
    }
    const name = containerName(projectName, 'priv', sessionId);
    expect(describeStartFailure(result.error)).toMatch(
      new RegExp(`^cannot (start|create) container ${name}: .+`),
    );
  }, 90_000);
});
