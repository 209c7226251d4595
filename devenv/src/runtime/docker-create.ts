import type Dockerode from 'dockerode';
import type { Healthcheck, PortMapping, ServiceSpec } from '../model/stack.js';
import type { VolumeMount } from '../model/volumes.js';
import type { FileMount } from '../model/container-files.js';
import { containerName, objectLabels, type LabelScope } from './docker-labels.js';
import {
  configOptions,
  endpointLinks,
  hostConfigOptions,
  networkModeOf,
  volumesFromOf,
} from './docker-container-options.js';

/**
 * Milliseconds to the nanoseconds Docker's healthcheck wants; unset is 0, which keeps the image's
 * HEALTHCHECK value (else Docker's default), as Compose sends it.
 */
const ns = (ms: number | undefined): number =>
  ms === undefined ? 0 : Math.max(0, Math.round(ms)) * 1_000_000;

/** Compose's `healthcheck:` as the Engine's HealthConfig. Exported for testing. */
export function healthConfig(check: Healthcheck): Dockerode.HealthConfig {
  const startInterval = ns(check.startIntervalMs);
  return {
    // An empty test keeps the image's HEALTHCHECK command with these timings, as Compose does.
    ...(check.test.length > 0 ? { Test: [...check.test] } : {}),
    Interval: ns(check.intervalMs),
    Timeout: ns(check.timeoutMs),
    StartPeriod: ns(check.startPeriodMs),
    // Older Engines (API < 1.44) ignore the field; 0 would mean "the image's" anyway.
    ...(startInterval > 0 ? { StartInterval: startInterval } : {}),
    // 0 keeps the image's retries (else Docker's 3).
    Retries: check.retries ?? 0,
  };
}

/** What the runtime found out before the create request (docker.ts). */
export interface CreateInputs {
  /** The host file of each `spec.files` entry (a written one's under .devenv/); else `file:`'s. */
  readonly fileSources?: readonly string[];
  /** The endpoint links whose container runs; else every `links:` alias (endpointLinks). */
  readonly links?: readonly string[];
  /** HostConfig.VolumesFrom as found (resolveVolumesFrom); else as named (volumesFromOf). */
  readonly volumesFrom?: readonly string[];
  /**
   * The `platform` query parameter (API 1.41+); null: not sent (an older Engine, see
   * docker-platform.ts); else the service's `platform`.
   */
  readonly platform?: string | null;
}

/** The Engine's create request for a service. Pure; exported for testing. */
export function containerCreateOptions(
  spec: ServiceSpec,
  image: string,
  scope: LabelScope,
  network: string,
  inputs: CreateInputs = {},
): Dockerode.ContainerCreateOptions {
  const {
    fileSources = [],
    links = endpointLinks(spec.container, scope),
    volumesFrom = volumesFromOf(spec.container, scope),
    platform = spec.container?.platform,
  } = inputs;
  const options = spec.container ?? {};
  const { exposed, bindings } = portsOf(spec);
  const { mode, onProjectNetwork } = networkModeOf(spec.container, scope, network);
  return {
    name: containerName(scope.projectName, spec.name, scope.sessionId),
    // dockerode sends the top-level `name` and `platform` as the query's parameters.
    ...(platform == null ? {} : { platform }),
    Image: image,
    ...configOptions(options),
    // The file's labels, devenv's over them: devenv finds its containers by its own.
    Labels: { ...spec.labels, ...objectLabels(scope, spec.name) },
    // A bare KEY is how Compose unsets a variable: the Engine drops it from the image's ENV.
    Env: [
      ...Object.entries(spec.environment).map(([key, value]) => `${key}=${value}`),
      ...(spec.unsetEnvironment ?? []),
    ],
    ...(spec.user === undefined ? {} : { User: spec.user }),
    ...(spec.command === undefined ? {} : { Cmd: [...spec.command] }),
    // `entrypoint: []` clears the image's entrypoint, which the Engine reads from an empty list.
    ...(spec.entrypoint === undefined ? {} : { Entrypoint: [...spec.entrypoint] }),
    ...(spec.workingDir === undefined ? {} : { WorkingDir: spec.workingDir }),
    ...(spec.healthcheck === undefined ? {} : { Healthcheck: healthConfig(spec.healthcheck) }),
    ExposedPorts: exposed,
    StopTimeout: Math.ceil(spec.stopGracePeriodMs / 1000),
    Tty: options.tty ?? false,
    HostConfig: {
      ...hostConfigOptions(options, scope),
      NetworkMode: mode,
      PortBindings: bindings,
      Mounts: [
        ...spec.volumes.map(mountFor),
        ...(spec.files ?? []).map((file, i) => fileMount(file, fileSources[i])),
      ],
      ...(volumesFrom.length > 0 ? { VolumesFrom: [...volumesFrom] } : {}),
      // The supervisor restarts services; an Engine restart policy would fight it.
      RestartPolicy: { Name: 'no' },
    },
    ...(onProjectNetwork
      ? {
          NetworkingConfig: {
            EndpointsConfig: {
              [network]: {
                Aliases: aliasesOf(spec),
                ...(links.length > 0 ? { Links: [...links] } : {}),
              },
            },
          },
        }
      : {}),
  };
}

function portsOf(spec: ServiceSpec) {
  const exposed: Record<string, object> = {};
  // `expose`: reachable on the network, published nowhere.
  for (const port of spec.container?.expose ?? []) exposed[`${port.port}/${port.protocol}`] = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const port of spec.ports) {
    const key = `${port.container}/${port.protocol}`;
    exposed[key] = {};
    // Loopback unless the file asks for more: a dev stack is not a service for the whole network.
    // No host port: "" lets the Engine pick one; a range: the Engine picks a free one of it.
    (bindings[key] ??= []).push({
      HostIp: port.hostIp ?? '127.0.0.1',
      HostPort: hostPortOf(port),
    });
  }
  return { exposed, bindings };
}

/**
 * As Compose: a replica answers to its service's name too (the network spreads over them); then
 * the `networks:` aliases, `container_name` and `hostname`.
 */
function aliasesOf(spec: ServiceSpec): string[] {
  const own = [spec.replicaOf?.service ?? spec.name, spec.name];
  return [...new Set([...own, ...(spec.container?.aliases ?? [])])];
}

/** A secret or config: its host file, read-only at its target (uid, gid and mode are the file's). */
function fileMount(file: FileMount, written: string | undefined): Dockerode.MountSettings {
  const source = written ?? (file.source.kind === 'file' ? file.source.path : '');
  return { Type: 'bind', Source: source, Target: file.target, ReadOnly: true };
}

/** A `volumes` entry as the Engine's mount; anonymous volumes go with the container (`--rm -v`). */
function mountFor(volume: VolumeMount): Dockerode.MountSettings {
  switch (volume.type) {
    case 'bind':
      return {
        Type: 'bind',
        Source: volume.source,
        Target: volume.target,
        ReadOnly: volume.readOnly,
      };
    case 'volume':
      return {
        Type: 'volume',
        Source: volume.name,
        Target: volume.target,
        ReadOnly: volume.readOnly,
      };
    case 'anonymous':
      return { Type: 'volume', Source: '', Target: volume.target, ReadOnly: volume.readOnly };
    case 'tmpfs':
      return { Type: 'tmpfs', Source: '', Target: volume.target };
    case 'image':
      // Engine API 1.48+ (Docker 28); dockerode's types predate the image mount type.
      return {
        Type: 'image' as Dockerode.MountType,
        Source: volume.source,
        Target: volume.target,
        ReadOnly: true,
        ...(volume.subpath === undefined ? {} : { ImageOptions: { Subpath: volume.subpath } }),
      };
  }
}

function hostPortOf(port: PortMapping): string {
  if (port.host === undefined) return '';
  return port.hostEnd === undefined ? String(port.host) : `${port.host}-${port.hostEnd}`;
}
