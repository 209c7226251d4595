import type Dockerode from 'dockerode';
import type { ContainerOptions } from '../model/container-options.js';
import type { PortMapping, ServiceSpec } from '../model/stack.js';
import {
  resolveVolume,
  type DeclaredVolume,
  type VolumeEntry,
  type VolumeMount,
} from '../model/volumes.js';
import { err, ok, type Result } from '../../shared/result.js';
import { containerCreateOptions } from '../runtime/docker-create.js';
import type { LabelScope } from '../runtime/docker-labels.js';

/** Marks a `devenv run` container, as Compose's `com.docker.compose.oneoff` does. */
export const ONEOFF_LABEL = 'dev.devenv.oneoff';

/** `docker compose run`'s flags that change what runs in the container, parsed and checked. */
export interface ContainerRunFlags {
  /**
   * `--entrypoint`, split into words, over the service's and the image's; `[]` (`--entrypoint ''`)
   * clears them. Given without COMMAND, the service's command goes too, as in Compose.
   */
  readonly entrypoint: readonly string[] | undefined;
  /** `-u`: over the service's `user:`. */
  readonly user: string | undefined;
  /** `-v`, resolved: added to the service's volumes, replacing one at the same container path. */
  readonly volumes: readonly VolumeMount[];
  /** `-l`: over the service's labels (devenv's own still win). */
  readonly labels: Readonly<Record<string, string>>;
  /** `--cap-add`, `--cap-drop`: added to the service's, each taken out of the other list. */
  readonly capAdd: readonly string[];
  readonly capDrop: readonly string[];
}

/** Those flags as typed, each checked on its own (run-command.ts). */
export interface GivenContainerFlags {
  readonly entrypoint: readonly string[] | undefined;
  readonly user: string | undefined;
  /** `-v` values as typed, with their parsed entry. */
  readonly volumes: readonly { readonly text: string; readonly entry: VolumeEntry }[];
  /** `-l`'s `KEY=VALUE`s. */
  readonly labels: readonly string[];
  readonly capAdd: readonly string[];
  readonly capDrop: readonly string[];
}

/**
 * The flags as the request takes them, as Compose resolves them: `-v`'s relative sources from
 * `cwd` (where devenv run was typed), a named volume the file declares by its Engine name and any
 * other by its own (the Engine creates it, as for `docker run -v`). Pure.
 */
export function containerRunFlags(
  given: GivenContainerFlags,
  declared: ReadonlyMap<string, DeclaredVolume>,
  cwd: string,
): Result<ContainerRunFlags, string> {
  const volumes: VolumeMount[] = [];
  for (const { text, entry } of given.volumes) {
    if (entry.type === 'volume' && entry.name !== undefined && !declared.has(entry.name)) {
      volumes.push({ ...entry, name: entry.name, external: false });
      continue;
    }
    const resolved = resolveVolume(entry, cwd, declared);
    if (!resolved.ok) return err(`-v ${text}: ${resolved.error}`);
    volumes.push(resolved.value);
  }
  const labels = Object.fromEntries(
    given.labels.map((label) => {
      const at = label.indexOf('=');
      return [label.slice(0, at), label.slice(at + 1)];
    }),
  );
  const { entrypoint, user, capAdd, capDrop } = given;
  return ok({ entrypoint, user, volumes, labels, capAdd, capDrop });
}

/** Where a one-off differs from the service's own container (`docker compose run`'s options). */
export interface OneOffInput extends ContainerRunFlags {
  /** The container's name: `--name`'s, else `<project>-<SERVICE>-run-<n>`. */
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
  /** `--rm` with `-d`: the Engine removes it when it exits, as no devenv waits for it to. */
  readonly autoRemove: boolean;
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
  const request = containerCreateOptions(oneOffSpec(spec, input), input.image, scope, network, {
    fileSources: input.fileSources,
    links: [...input.links],
  });
  return {
    ...request,
    name: input.name,
    Labels: { ...request.Labels, [ONEOFF_LABEL]: 'true' },
    Env: oneOffEnv(spec, input.environment),
    ...(input.workdir === undefined ? {} : { WorkingDir: input.workdir }),
    Tty: false,
    // As Compose's `run -d` too: stdin open, so a shell started detached waits for input.
    OpenStdin: true,
    StdinOnce: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    ...(input.autoRemove ? { HostConfig: { ...request.HostConfig, AutoRemove: true } } : {}),
    ...endpointOf(request, network, input),
  };
}

/** The service as the one-off runs it: the flags' changes over its spec (Compose's applyRunOptions). */
function oneOffSpec(spec: ServiceSpec, input: OneOffInput): ServiceSpec {
  const command =
    input.command.length > 0
      ? [...input.command]
      : // Compose: a new entrypoint drops the service's command (the image's CMD is the Engine's to keep or not).
        input.entrypoint !== undefined
        ? []
        : spec.command;
  return {
    ...spec,
    ports: [...input.ports],
    command,
    entrypoint: input.entrypoint ?? spec.entrypoint,
    user: input.user ?? spec.user,
    volumes: withRunVolumes(spec.volumes, input.volumes),
    ...(Object.keys(input.labels).length > 0
      ? { labels: { ...spec.labels, ...input.labels } }
      : {}),
    ...(input.capAdd.length + input.capDrop.length > 0
      ? { container: withCapabilities(spec.container ?? {}, input) }
      : {}),
  };
}

/** `-v` after the service's volumes; one at a path already mounted replaces that mount in its place. */
function withRunVolumes(own: readonly VolumeMount[], added: readonly VolumeMount[]): VolumeMount[] {
  const byTarget = new Map(own.map((mount) => [mount.target, mount]));
  for (const mount of added) byTarget.set(mount.target, mount);
  return [...byTarget.values()];
}

/** Compose's order: `--cap-add` joins cap_add and leaves cap_drop, then `--cap-drop` the reverse. */
function withCapabilities(options: ContainerOptions, flags: ContainerRunFlags): ContainerOptions {
  let add = [...(options.capAdd ?? [])];
  let drop = [...(options.capDrop ?? [])];
  if (flags.capAdd.length > 0) {
    add = unique([...add, ...flags.capAdd]);
    drop = drop.filter((cap) => !flags.capAdd.includes(cap));
  }
  if (flags.capDrop.length > 0) {
    drop = unique([...drop, ...flags.capDrop]);
    add = add.filter((cap) => !flags.capDrop.includes(cap));
  }
  return { ...options, capAdd: add, capDrop: drop };
}

const unique = (values: readonly string[]): string[] => [...new Set(values)];

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
