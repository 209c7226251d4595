import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import type { PortMapping, ServiceSpec } from '../model/stack.js';
import { writeServiceFiles, type WrittenFiles } from '../runtime/docker-files.js';
import { defaultImageTag, networkName, type LabelScope } from '../runtime/docker-labels.js';
import { removeContainer } from '../runtime/docker-leftovers.js';
import { presentLinks } from '../runtime/docker-links.js';
import { describeStartFailure } from '../runtime/runtime.js';
import { readSession, sessionPath } from '../session/session-file.js';
import { sessionFilesDir } from '../session/session-files.js';
import { SESSION_TOKEN_VAR } from '../session/session-secret.js';
import { messageOf } from '../../shared/result.js';
import {
  failedStartCode,
  NOT_RUN,
  startAttached,
  type AttachedIo,
} from './run-container-attach.js';
import { oneOffCreateOptions, type ContainerRunFlags } from './run-container-request.js';

export interface ContainerRunInput {
  readonly spec: ServiceSpec;
  readonly projectName: string;
  /** The compose file's directory: its `.env` gives `environment:` secrets their value. */
  readonly projectDir: string;
  readonly stateDir: string;
  /** `SERVICE-run-<n>`: the container's name ends with it. */
  readonly runName: string;
  readonly command: readonly string[];
  readonly sessionToken: string | undefined;
  readonly extraEnv: Readonly<Record<string, string>>;
  readonly workdir: string | undefined;
  readonly remove: boolean;
  readonly servicePorts: boolean;
  /** `--publish`'s ports. */
  readonly publish: readonly PortMapping[];
  readonly useAliases: boolean;
  /** `--entrypoint`, `-u`, `-v`, `-l`, `--cap-add`, `--cap-drop`. */
  readonly flags: ContainerRunFlags;
  /** `--name`: the container's name instead of `<project>-SERVICE-run-<n>`. */
  readonly containerName: string | undefined;
  /** `-d`: started and left running, not attached; `started` is given its id. */
  readonly detach: boolean;
  readonly started: (id: string) => void;
  readonly output: AttachedIo['output'];
  /** A line for the run's log (what was created). */
  readonly note: (message: string) => void;
  /** What went wrong, for the terminal and the log. */
  readonly problem: (message: string) => void;
}

/**
 * A one-off container of the service, created through the Engine's API with the request `devenv
 * up` makes for it (oneOffCreateOptions), its secrets and configs written for it, then started
 * attached to this terminal (startAttached). Settles with its exit code; removed with `--rm`.
 * Detached (`-d`), it settles once started, with 0; its secrets and configs stay for it (a
 * restart of it needs them too) until the session's files are reaped.
 */
export async function runContainerOneOff(input: ContainerRunInput): Promise<number> {
  const docker = new Dockerode();
  const scope: LabelScope = {
    projectName: input.projectName,
    // The running stack's session: `service:x` and `links:` name its containers, `devenv down` removes the one-off.
    sessionId: readSession(sessionPath(input.stateDir))?.sessionId ?? `run-${input.runName}`,
  };
  const filesDir = join(sessionFilesDir(input.stateDir, scope.sessionId), 'runs', input.runName);
  const files = await writeServiceFiles(input.spec, filesDir, input.projectDir);
  if (!files.ok) {
    input.problem(describeStartFailure(files.error));
    return NOT_RUN;
  }
  let code = NOT_RUN;
  try {
    for (const note of files.value.notes) input.problem(note);
    code = await createAndRun(docker, scope, input, files.value);
    return code;
  } finally {
    if (!(input.detach && code === 0)) {
      await files.value.remove();
      await rm(filesDir, { recursive: true, force: true });
    }
  }
}

async function createAndRun(
  docker: Dockerode,
  scope: LabelScope,
  input: ContainerRunInput,
  files: WrittenFiles,
): Promise<number> {
  const { spec } = input;
  const linked = await presentLinks(docker, spec, scope);
  for (const note of linked.notes) input.problem(note);
  const request = oneOffCreateOptions(spec, scope, {
    ...input.flags,
    name:
      input.containerName ??
      `${input.projectName}-${input.runName}`.replace(/[^a-zA-Z0-9_.-]/g, '-'),
    image: spec.image ?? defaultImageTag(input.projectName, spec.name),
    command: input.command,
    environment: {
      ...(input.sessionToken ? { [SESSION_TOKEN_VAR]: input.sessionToken } : {}),
      ...input.extraEnv,
    },
    workdir: input.workdir,
    network: await existingNetwork(docker, networkName(input.projectName)),
    ports: [...(input.servicePorts ? spec.ports : []), ...input.publish],
    useAliases: input.useAliases,
    fileSources: files.sources,
    links: linked.links,
    autoRemove: input.detach && input.remove,
  });
  let container: Dockerode.Container;
  try {
    container = await docker.createContainer(request);
  } catch (error) {
    input.problem(`cannot create container ${request.name}: ${messageOf(error)}`);
    return NOT_RUN;
  }
  input.note(
    `one-off container ${request.name} of ${spec.name} (${request.Image}): ${[...(request.Entrypoint ?? []), ...(request.Cmd ?? [])].join(' ')}`,
  );
  if (input.detach) return startDetached(docker, container, input, request.name ?? '');
  try {
    return await startAttached(docker, container, { ...input, name: request.name ?? '' });
  } finally {
    if (input.remove) await removeContainer(docker, container.id);
  }
}

/**
 * `-d`, as `docker compose run -d`: started, not attached (its stdin stays open, unread), and its
 * id given to `started`; with `--rm` the Engine removes it when it exits. A container that could
 * not start is removed with `--rm`, as the Engine would have once it ran.
 */
async function startDetached(
  docker: Dockerode,
  container: Dockerode.Container,
  input: ContainerRunInput,
  name: string,
): Promise<number> {
  try {
    await container.start();
  } catch (error) {
    input.problem(`cannot start container ${name}: ${messageOf(error)}`);
    const code = await failedStartCode(container);
    if (input.remove) await removeContainer(docker, container.id);
    return code;
  }
  input.note(`started detached: ${container.id}`);
  input.started(container.id);
  return 0;
}

/** The project's network if it exists now (a stack with a container service runs). */
async function existingNetwork(docker: Dockerode, name: string): Promise<string | undefined> {
  try {
    await docker.getNetwork(name).inspect();
    return name;
  } catch {
    return undefined;
  }
}
