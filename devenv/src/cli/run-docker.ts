import { spawnSync } from 'node:child_process';
import type { ServiceSpec } from '../model/stack.js';
import { defaultImageTag, networkName } from '../runtime/docker-labels.js';
import { SESSION_TOKEN_VAR } from '../session/session-secret.js';

export interface DockerRunInput {
  readonly projectName: string;
  readonly spec: ServiceSpec;
  /** `SERVICE-run-<n>`: the container's name ends with it. */
  readonly runName: string;
  readonly command: readonly string[];
  readonly sessionToken: string | undefined;
  readonly extraEnv: Readonly<Record<string, string>>;
  readonly workdir: string | undefined;
  readonly remove: boolean;
  /** The project's network, when the running stack has one: the one-off reaches services by name. */
  readonly network: string | undefined;
}

/**
 * `docker run` of a container service's image for one command, as Compose's `run` does: the
 * service's environment, user, entrypoint and command (or COMMAND), on the project's network.
 * No ports are published and no TTY is allocated: its output is read to go into the logs too.
 */
export function dockerRunArgv(input: DockerRunInput): string[] {
  const { spec } = input;
  const env = {
    ...spec.environment,
    ...(input.sessionToken ? { [SESSION_TOKEN_VAR]: input.sessionToken } : {}),
    ...input.extraEnv,
  };
  const entrypoint = spec.entrypoint;
  const command = input.command.length > 0 ? input.command : (spec.command ?? []);
  return [
    'docker',
    'run',
    '-i',
    ...(input.remove ? ['--rm'] : []),
    '--name',
    `${input.projectName}-${input.runName}`.replace(/[^a-zA-Z0-9_.-]/g, '-'),
    ...(input.network === undefined ? [] : ['--network', input.network]),
    ...Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
    ...(spec.user === undefined ? [] : ['--user', spec.user]),
    ...(input.workdir === undefined ? [] : ['-w', input.workdir]),
    // `--entrypoint` takes one word: the rest of a longer entrypoint goes before the command.
    ...(entrypoint === undefined ? [] : ['--entrypoint', entrypoint[0] ?? '']),
    spec.image ?? defaultImageTag(input.projectName, spec.name),
    ...(entrypoint === undefined ? [] : entrypoint.slice(1)),
    ...command,
  ];
}

/** The project's network if it exists now (a stack with a container service runs). */
export function existingProjectNetwork(projectName: string): string | undefined {
  const name = networkName(projectName);
  const inspected = spawnSync('docker', ['network', 'inspect', name], { stdio: 'ignore' });
  return inspected.status === 0 ? name : undefined;
}
