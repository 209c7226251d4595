import { join } from 'node:path';
import { Writable } from 'node:stream';
import Dockerode from 'dockerode';
import type { ServiceSpec } from '../model/stack.js';
import { portsFree } from './ports-free.js';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import type { LogStream } from '../logbus/log-record.js';
import { PROJECT_LABEL, type LabelScope } from './docker-labels.js';
import { buildable, imageActionFor, imageVolumesPresent } from './docker-check.js';
import type { PullOverride } from './docker-pull-policy.js';
import { prepareImage, type ImageSource } from './docker-pull-prepare.js';
import { pullTimesFile } from './docker-pull.js';
import { pingDockerEngine } from './docker-ping.js';
import { containerCreateOptions } from './docker-create.js';
import { projectNetwork } from './docker-network.js';
import { sessionFilesDir } from '../session/session-files.js';
import { writeServiceFiles } from './docker-files.js';
import { presentLinks } from './docker-links.js';
import { createPlatform } from './docker-platform.js';
import { resolveVolumesFrom } from './docker-volumes-from.js';
import { removeContainer, statusCodeOf } from './docker-leftovers.js';
import type { ExitStatus, Runtime, ServiceHandle, StartContext, StartFailure } from './runtime.js';
import { engineHealthOf, type InspectedHealth } from './engine-health.js';

export { containerCreateOptions, healthConfig } from './docker-create.js';

export interface DockerRuntimeOptions {
  readonly projectName: string;
  /** Labels every object, so the objects of one session can be told from another's. */
  readonly sessionId: string;
  /** Relative build contexts resolve against it (the model normally made them absolute). */
  readonly projectDir: string;
  /** The session's `.devenv/` (secrets and configs written for containers); `<projectDir>/.devenv` by default. */
  readonly stateDir?: string;
  /** Defaults to the Engine that DOCKER_HOST (or the default socket) names. */
  readonly docker?: Dockerode;
  /** `devenv up --pull`: over every service's pull_policy, as Compose's flag. */
  readonly pull?: PullOverride;
}

/** How long an exited container's log stream may take to deliver its last lines. */
const LOG_DRAIN_MS = 2_000;

/**
 * Runs services as containers of the local Docker Engine: images are built here or pulled as
 * their pull_policy says (Compose's default: when absent), ports are published on 127.0.0.1
 * unless the file names another address, and every object carries devenv's labels.
 */
export function dockerRuntime(options: DockerRuntimeOptions): Runtime {
  const docker = options.docker ?? new Dockerode();
  const scope: LabelScope = { projectName: options.projectName, sessionId: options.sessionId };
  const network = projectNetwork(docker, scope);
  // Secrets and configs written for this session's containers (`environment:`, `content:`).
  const stateDir = options.stateDir ?? join(options.projectDir, '.devenv');
  const filesDir = sessionFilesDir(stateDir, options.sessionId);
  const images: ImageSource = {
    projectDir: options.projectDir,
    override: options.pull,
    timesFile: pullTimesFile(stateDir),
  };

  return {
    kind: 'docker',
    check: async (spec) => {
      const engine = await pingDockerEngine(docker);
      if (!engine.ok) return err({ reason: 'engine-silent', silence: engine.error });
      const action = await imageActionFor(docker, spec, images);
      if (!action.ok) return action;
      // A pull that fails falls back to the build, so the build must be possible too.
      if (action.value !== 'use-local' && spec.build) {
        const image = await buildable(spec, options.projectDir);
        if (!image.ok) return image;
      }
      const mounted = await imageVolumesPresent(docker, spec);
      if (!mounted.ok) return mounted;
      return portsFree(spec);
    },
    start: async (spec, ctx) => {
      const image = await prepareImage(docker, spec, scope, images, ctx);
      if (!image.ok) return image;
      const files = await writeServiceFiles(spec, filesDir, options.projectDir);
      if (!files.ok) return files;
      for (const note of files.value.notes) ctx.output('devenv', Buffer.from(`${note}\n`));
      const joined = await network.acquire();
      if (!joined.ok) {
        await files.value.remove();
        return joined;
      }
      const run = { image: image.value, network: network.name, fileSources: files.value.sources };
      const started = await runContainer(docker, spec, run, scope, ctx);
      const release = async () => {
        await network.release();
        await files.value.remove();
      };
      if (!started.ok) {
        await release();
        return started;
      }
      return ok(handleFor(docker, started.value, release));
    },
  };
}

const refused = (detail: string) => err({ reason: 'engine-refused', detail } as const);

/**
 * The service's named volumes exist before its container: created with the project's labels
 * (kept across sessions: that is what a named volume is for; `docker volume rm` deletes one), or,
 * declared external, found, never created.
 */
async function ensureVolumes(
  docker: Dockerode,
  spec: ServiceSpec,
  projectName: string,
): Promise<Result<void, StartFailure>> {
  for (const volume of spec.volumes) {
    if (volume.type !== 'volume') continue;
    try {
      await docker.getVolume(volume.name).inspect();
      continue;
    } catch (error) {
      if (statusCodeOf(error) !== 404)
        return refused(`cannot inspect volume ${volume.name}: ${messageOf(error)}`);
    }
    if (volume.external) return err({ reason: 'external-volume-missing', volume: volume.name });
    try {
      await docker.createVolume({
        Name: volume.name,
        Labels: { [PROJECT_LABEL]: projectName },
      });
    } catch (error) {
      return refused(`cannot create volume ${volume.name}: ${messageOf(error)}`);
    }
  }
  return ok(undefined);
}

interface Running {
  readonly container: Dockerode.Container;
  readonly pid: number | undefined;
  readonly stopGracePeriodMs: number;
  /** Settles once the log stream has ended (or was given up on). */
  readonly logsDone: (withinMs: number) => Promise<void>;
}

async function runContainer(
  docker: Dockerode,
  spec: ServiceSpec,
  run: { image: string; network: string; fileSources: readonly string[] },
  scope: LabelScope,
  ctx: StartContext,
): Promise<Result<Running, StartFailure>> {
  const volumes = await ensureVolumes(docker, spec, scope.projectName);
  if (!volumes.ok) return volumes;
  const linked = await presentLinks(docker, spec, scope);
  for (const note of linked.notes) ctx.output('devenv', Buffer.from(`${note}\n`));
  const volumesFrom = await resolveVolumesFrom(docker, spec, scope);
  if (!volumesFrom.ok) return volumesFrom;
  const platform = await createPlatform(docker, spec);
  for (const note of platform.notes) ctx.output('devenv', Buffer.from(`${note}\n`));
  const request = containerCreateOptions(spec, run.image, scope, run.network, {
    fileSources: run.fileSources,
    links: linked.links,
    volumesFrom: volumesFrom.value,
    ...(platform.platform === undefined ? {} : { platform: platform.platform }),
  });
  const created = await createContainer(docker, request, scope);
  if (!created.ok) return created;
  const container = created.value;
  try {
    await container.start();
  } catch (error) {
    // A failed start (port already allocated, bad command) must not leave the created container behind.
    await removeContainer(docker, container.id);
    return refused(`cannot start container ${request.name ?? container.id}: ${messageOf(error)}`);
  }
  // Logs from the beginning, so the lines written before we attached are not lost.
  let logsDone: Running['logsDone'] = () => Promise.resolve();
  try {
    const stream = await container.logs({ follow: true, stdout: true, stderr: true });
    const ended = new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      // A broken log stream loses lines but must not crash devenv; the exit is still seen by wait().
      stream.on('error', () => resolve());
    });
    // With a TTY the Engine sends the terminal's bytes as they are, not in stdout/stderr frames.
    if (spec.container?.tty === true) stream.pipe(sink(ctx, 'stdout'));
    else docker.modem.demuxStream(stream, sink(ctx, 'stdout'), sink(ctx, 'stderr'));
    logsDone = (withinMs) =>
      Promise.race([ended, new Promise<void>((resolve) => setTimeout(resolve, withinMs).unref())]);
  } catch (error) {
    ctx.output(
      'stderr',
      Buffer.from(`devenv: cannot follow the container's logs: ${messageOf(error)}\n`),
    );
  }
  const info = await container.inspect().catch(() => undefined);
  const pid = info && info.State.Pid > 0 ? info.State.Pid : undefined;
  const picked = info ? pickedPorts(spec, info.NetworkSettings.Ports) : [];
  if (picked.length > 0)
    ctx.output('devenv', Buffer.from(`published ${picked.join(', ')} (ports the Engine picked)\n`));
  return ok({ container, pid, stopGracePeriodMs: spec.stopGracePeriodMs, logsDone });
}

/**
 * `container/protocol → host:port` for the ports whose host port the Engine chose (none given, or
 * a range), so the log says where to reach them.
 */
export function pickedPorts(spec: ServiceSpec, bound: Dockerode.PortMap | undefined): string[] {
  const out: string[] = [];
  for (const port of spec.ports) {
    if (port.host !== undefined && port.hostEnd === undefined) continue;
    const key = `${port.container}/${port.protocol}`;
    for (const binding of bound?.[key] ?? [])
      if (binding.HostPort) out.push(`${key} → ${binding.HostIp}:${binding.HostPort}`);
  }
  return out;
}

/** Creates the container; a stale one of this project under the same name (a failed removal) is replaced. */
async function createContainer(
  docker: Dockerode,
  request: Dockerode.ContainerCreateOptions,
  scope: LabelScope,
): Promise<Result<Dockerode.Container, StartFailure>> {
  const name = request.name ?? '';
  for (let attempt = 0; ; attempt++) {
    try {
      return ok(await docker.createContainer(request));
    } catch (error) {
      if (statusCodeOf(error) !== 409 || attempt > 0)
        return refused(`cannot create container ${name}: ${messageOf(error)}`);
      const holder = await docker
        .getContainer(name)
        .inspect()
        .catch(() => undefined);
      if (holder?.Config.Labels?.[PROJECT_LABEL] !== scope.projectName)
        return err({ reason: 'container-name-taken', name });
      await removeContainer(docker, holder.Id);
    }
  }
}

function sink(ctx: StartContext, stream: LogStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      ctx.output(stream, chunk);
      callback();
    },
  });
}

function handleFor(
  docker: Dockerode,
  running: Running,
  release: () => Promise<void>,
): ServiceHandle {
  const { container } = running;
  const exited = (async (): Promise<ExitStatus> => {
    const code = await container.wait().then(
      (answer: { StatusCode?: unknown }) =>
        typeof answer.StatusCode === 'number' ? answer.StatusCode : null,
      // The Engine went away: the exit code is unknowable, but the service is gone for us.
      () => null,
    );
    await running.logsDone(LOG_DRAIN_MS);
    // Removed before `exited` settles: a restart reuses the name, and the session forgets the id now.
    await removeContainer(docker, container.id);
    await release();
    return { code, signal: null };
  })();

  let stopping: Promise<ExitStatus> | undefined;
  const stop = (graceMs: number): Promise<ExitStatus> => {
    stopping ??= (async () => {
      try {
        // The Engine sends the image's stop signal, waits `t` seconds, then SIGKILLs.
        await container.stop({ t: Math.ceil(Math.max(0, graceMs) / 1000) });
      } catch {
        // 304 (already stopped), 404 (already gone) or an Engine failure: the forced removal below covers all three.
      }
      await removeContainer(docker, container.id);
      return exited;
    })();
    return stopping;
  };

  return {
    pid: running.pid,
    containerId: container.id,
    leftover: { kind: 'container', id: container.id },
    exited,
    stop,
    // The Engine's own kill, pause and unpause: `docker compose kill|pause|unpause` use them too.
    signal: (signal) => engineCall(() => container.kill({ signal })),
    pause: () => engineCall(() => container.pause()),
    unpause: () => engineCall(() => container.unpause()),
    engineHealth: () =>
      container.inspect().then(
        (inspected: InspectedHealth) => engineHealthOf(inspected),
        () => undefined,
      ),
  };
}

async function engineCall(call: () => Promise<unknown>): Promise<Result<void, string>> {
  try {
    await call();
    return ok(undefined);
  } catch (error) {
    return err(messageOf(error));
  }
}
