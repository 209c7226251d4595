import type Dockerode from 'dockerode';
import type { ContainerOptions, NamespaceMode } from '../model/container-options.js';
import { containerName, type LabelScope } from './docker-labels.js';

/**
 * A service's container options as the Engine's create request takes them, the way Docker
 * Compose fills it in (compose/pkg/compose/create.go). Pure; only the options the file sets.
 */

type Config = Omit<Dockerode.ContainerCreateOptions, 'HostConfig' | 'NetworkingConfig'>;

/** `Config`'s part: stop signal, host and domain name, TTY and stdin. */
export function configOptions(options: ContainerOptions): Config {
  return {
    ...defined('StopSignal', options.stopSignal),
    ...defined('Hostname', options.hostname),
    ...defined('Domainname', options.domainname),
    ...defined('OpenStdin', options.stdinOpen),
  };
}

/** `HostConfig`'s part; `service:x` namespaces name x's container of this session. */
export function hostConfigOptions(
  options: ContainerOptions,
  scope: LabelScope,
): Dockerode.HostConfig {
  const namespace = (mode: NamespaceMode | undefined) =>
    mode === undefined
      ? undefined
      : mode.kind === 'mode'
        ? mode.mode
        : `container:${containerName(scope.projectName, mode.service, scope.sessionId)}`;
  return {
    ...defined('Init', options.init),
    ...defined('Tmpfs', options.tmpfs),
    ...defined('ShmSize', options.shmSizeBytes),
    ...defined('CapAdd', options.capAdd && [...options.capAdd]),
    ...defined('CapDrop', options.capDrop && [...options.capDrop]),
    ...defined('SecurityOpt', options.securityOpt && [...options.securityOpt]),
    ...defined('Sysctls', options.sysctls),
    ...defined(
      'Ulimits',
      options.ulimits?.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard })),
    ),
    ...defined('Memory', options.memoryBytes),
    ...defined('MemoryReservation', options.memoryReservationBytes),
    ...defined('MemorySwap', options.memorySwapBytes),
    ...defined('NanoCpus', options.nanoCpus),
    ...defined('CpuShares', options.cpuShares),
    ...defined('CpusetCpus', options.cpuset),
    ...defined('PidsLimit', options.pidsLimit),
    ...defined('ReadonlyRootfs', options.readOnly),
    ...defined(
      'Devices',
      options.devices?.map((d) => ({
        PathOnHost: d.host,
        PathInContainer: d.container,
        CgroupPermissions: d.permissions,
      })),
    ),
    ...defined('ExtraHosts', options.extraHosts && [...options.extraHosts]),
    ...defined('Dns', options.dns && [...options.dns]),
    ...defined('DnsSearch', options.dnsSearch && [...options.dnsSearch]),
    ...defined('DnsOptions', options.dnsOpt && [...options.dnsOpt]),
    ...defined('GroupAdd', options.groupAdd && [...options.groupAdd]),
    ...defined('Privileged', options.privileged),
    ...defined('OomScoreAdj', options.oomScoreAdj),
    ...defined('IpcMode', namespace(options.ipc)),
    ...defined('PidMode', namespace(options.pid)),
    ...defined('UTSMode', namespace(options.uts)),
  };
}

/**
 * The network mode: the project network unless `network_mode` names another (`host`, `none`,
 * `bridge`, `service:x` as x's container). Only on the project network does the container get
 * its aliases.
 */
export function networkModeOf(
  options: ContainerOptions | undefined,
  scope: LabelScope,
  projectNetwork: string,
): { mode: string; onProjectNetwork: boolean } {
  const mode = options?.networkMode;
  if (mode === undefined) return { mode: projectNetwork, onProjectNetwork: true };
  if (mode.kind === 'service')
    return {
      mode: `container:${containerName(scope.projectName, mode.service, scope.sessionId)}`,
      onProjectNetwork: false,
    };
  return { mode: mode.mode, onProjectNetwork: mode.mode === projectNetwork };
}

/**
 * `links: [x:alias]` as the endpoint's links (`<x's container>:alias`): `alias` reaches x's
 * container from this one. A link without an alias adds nothing: x's name resolves already.
 */
export function endpointLinks(options: ContainerOptions | undefined, scope: LabelScope): string[] {
  return (options?.links ?? [])
    .filter((link) => link.alias !== link.service)
    .map(
      (link) => `${containerName(scope.projectName, link.service, scope.sessionId)}:${link.alias}`,
    );
}

/**
 * `volumes_from` as HostConfig.VolumesFrom (`<container>[:ro|rw]`): a service's entry names its
 * container of this session, unless `containers` says which one (a replica's, see
 * docker-volumes-from.ts).
 */
export function volumesFromOf(
  options: ContainerOptions | undefined,
  scope: LabelScope,
  containers: Readonly<Record<string, string>> = {},
): string[] {
  return (options?.volumesFrom ?? []).map((source) => {
    const name =
      source.kind === 'container'
        ? source.container
        : (containers[source.service] ??
          containerName(scope.projectName, source.service, scope.sessionId));
    return source.mode === undefined ? name : `${name}:${source.mode}`;
  });
}

function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]: V });
}
