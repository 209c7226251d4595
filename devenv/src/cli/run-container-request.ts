import type Dockerode from 'dockerode';
import type { PortMapping, ServiceSpec } from '../model/stack.js';
import { containerCreateOptions } from '../runtime/docker-create.js';
import type { LabelScope } from '../runtime/docker-labels.js';

/** Marks a `devenv run` container, as Compose's `com.docker.compose.oneoff` does. */
export const ONEOFF_LABEL = 'dev.devenv.oneoff';

/** Where a one-off differs from the service's own container (`docker compose run`'s options). */
export interface OneOffInput {
  /** The container's name: `<project>-<SERVICE>-run-<n>`. */
  readonly name: string;
  readonly image: string;
  /** COMMAND; empty: the service's own command. */
  readonly command: readonly string[];
  /** Set over the service's environment: the session token, then `-e`'s. */
  readonly environment: Readonly<Record<string, string>>;
  readonly workdir: string | undefined;
  /** The project's network when a stack runs; else the Engine's default bridge. */
  readonly network: string | undefined;
  /** What it publishes: `--service-ports`' (the service's) and `--publish`'s; none by default, as in Compose. */
  readonly ports: readonly PortMapping[];
  /** `--use-aliases`: the service's network aliases (none otherwise, so `SERVICE` stays the service's). */
  readonly useAliases: boolean;
  /** The host file of each `spec.files` entry (writeServiceFiles). */
  readonly fileSources: readonly string[];
  /** The running ones of the service's `links:` (presentLinks). */
  readonly links: readonly string[];
}

/** Where no stack's network exists: the Engine's default, as `docker run` without `--network`. */
const DEFAULT_NETWORK = 'bridge';

/**
 * The Engine's create request for a one-off of the service: the request `devenv up` makes for it
 * (containerCreateOptions: container options, secrets and configs, volumes, user, healthcheck),
 * then what `docker compose run` changes. stdin stays open for the attach, and no TTY
 * is allocated: the output is read to go into the logs too. Pure.
 */
export function oneOffCreateOptions(
  spec: ServiceSpec,
  scope: LabelScope,
  input: OneOffInput,
): Dockerode.ContainerCreateOptions {
  const network = input.network ?? DEFAULT_NETWORK;
  const request = containerCreateOptions(
    { ...spec, ports: [...input.ports] },
    input.image,
    scope,
    network,
    {
      fileSources: input.fileSources,
      links: [...input.links],
    },
  );
  return {
    ...request,
    name: input.name,
    Labels: { ...request.Labels, [ONEOFF_LABEL]: 'true' },
    Env: oneOffEnv(spec, input.environment),
    ...(input.command.length > 0 ? { Cmd: [...input.command] } : {}),
    ...(input.workdir === undefined ? {} : { WorkingDir: input.workdir }),
    Tty: false,
    OpenStdin: true,
    StdinOnce: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    ...endpointOf(request, network, input),
  };
}

/** The service's environment with the run's over it; a bare KEY still unsets the image's. */
function oneOffEnv(spec: ServiceSpec, overrides: Readonly<Record<string, string>>): string[] {
  const environment = { ...spec.environment, ...overrides };
  return [
    ...Object.entries(environment).map(([key, value]) => `${key}=${value}`),
    ...(spec.unsetEnvironment ?? []).filter((key) => !(key in environment)),
  ];
}

/** The project network's endpoint, without the service's aliases unless asked for. */
function endpointOf(
  request: Dockerode.ContainerCreateOptions,
  network: string,
  input: OneOffInput,
): Pick<Dockerode.ContainerCreateOptions, 'NetworkingConfig'> {
  const endpoint = request.NetworkingConfig?.EndpointsConfig?.[network];
  if (endpoint === undefined || input.network === undefined) return { NetworkingConfig: {} };
  const { Aliases: aliases, ...rest } = endpoint;
  const kept = input.useAliases && aliases !== undefined ? { ...rest, Aliases: aliases } : rest;
  return { NetworkingConfig: { EndpointsConfig: { [network]: kept } } };
}
