import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import type { ServiceSpec } from '../model/stack.js';
import { writeServiceFiles, type WrittenFiles } from '../runtime/docker-files.js';
import { defaultImageTag, networkName, type LabelScope } from '../runtime/docker-labels.js';
import { removeContainer } from '../runtime/docker-leftovers.js';
import { presentLinks } from '../runtime/docker-links.js';
import { describeStartFailure } from '../runtime/runtime.js';
import { readSession, sessionPath } from '../session/session-file.js';
import { sessionFilesDir } from '../session/session-files.js';
import { SESSION_TOKEN_VAR } from '../session/session-secret.js';
import { messageOf } from '../../shared/result.js';
import { runInForeground, type ForegroundOptions } from './foreground-process.js';
import { oneOffCreateOptions } from './run-container-request.js';

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
  readonly useAliases: boolean;
  readonly output: NonNullable<ForegroundOptions['output']>;
  /** A line for the run's log (what was created). */
  readonly note: (message: string) => void;
  /** What went wrong, for the terminal and the log. */
  readonly problem: (message: string) => void;
}

/** `docker run`'s status when the container could not be created or started. */
const NOT_RUN = 125;

/**
 * A one-off container of the service, created through the Engine's API with the request `devenv
 * up` makes for it (oneOffCreateOptions), its secrets and configs written for it; `docker start
 * -a -i` then gives it this terminal's stdin and passes signals (Ctrl-C) on to it. Settles with
 * its exit code; it is stopped if still running then, and removed with `--rm`.
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
  try {
    for (const note of files.value.notes) input.problem(note);
    return await createAndRun(docker, scope, input, files.value);
  } finally {
    await files.value.remove();
    await rm(filesDir, { recursive: true, force: true });
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
    name: `${input.projectName}-${input.runName}`.replace(/[^a-zA-Z0-9_.-]/g, '-'),
    image: spec.image ?? defaultImageTag(input.projectName, spec.name),
    command: input.command,
    environment: {
      ...(input.sessionToken ? { [SESSION_TOKEN_VAR]: input.sessionToken } : {}),
      ...input.extraEnv,
    },
    workdir: input.workdir,
    network: await existingNetwork(docker, networkName(input.projectName)),
    servicePorts: input.servicePorts,
    useAliases: input.useAliases,
    fileSources: files.sources,
    links: linked.links,
  });
  let container: Dockerode.Container;
  try {
    container = await docker.createContainer(request);
  } catch (error) {
    input.problem(`cannot create container ${request.name}: ${messageOf(error)}`);
    return NOT_RUN;
  }
  try {
    input.note(
      `one-off container ${request.name} of ${spec.name} (${request.Image}): ${[...(request.Entrypoint ?? []), ...(request.Cmd ?? [])].join(' ')}`,
    );
    const argv = ['docker', 'start', '--attach', '--interactive', container.id];
    const options = { cwd: process.cwd(), env: process.env, output: input.output };
    const attached = await runInForeground(argv, options, input.problem);
    return await exitCodeOf(container, attached, spec.stopGracePeriodMs);
  } finally {
    if (input.remove) await removeContainer(docker, container.id);
  }
}

/**
 * The container's own exit code, as the Engine has it: `docker start` says 1 when the command
 * could not be started, where the Engine says 127 (not found) or 126 (not executable). A container
 * still running (the CLI was killed) is stopped first: its stop signal, then SIGKILL after the grace.
 */
async function exitCodeOf(
  container: Dockerode.Container,
  attached: number,
  graceMs: number,
): Promise<number> {
  const state = async () => (await container.inspect().catch(() => undefined))?.State;
  let seen = await state();
  if (seen?.Running === true) {
    await container.stop({ t: Math.ceil(graceMs / 1000) }).catch(() => undefined);
    seen = await state();
  }
  // Never started (the docker CLI itself failed): the CLI's code is all there is.
  if (seen === undefined || seen.Running || (seen.Status === 'created' && !seen.Error))
    return attached;
  return seen.ExitCode;
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
