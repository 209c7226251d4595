import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from '../process/run-command.js';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import { corednsImage, importImage, K8S_NAMESPACE, pauseImage } from './cluster-images.js';
import { startComponent } from './component-processes.js';
import { renderCorednsManifests } from './coredns-manifest.js';
import { snapshotHost } from './host-state.js';
import { kubectlFor, waitFor, type Kubectl } from './kubectl.js';
import {
  CLUSTER_NETWORK,
  CLUSTER_PORTS,
  clusterLayout,
  NODE_NAME,
  type ClusterLayout,
} from './layout.js';
import { writeClusterPki } from './pki.js';
import {
  renderCniConflist,
  renderContainerdConfig,
  renderKubeletConfig,
  renderKubeProxyConfig,
  renderLoopbackConf,
} from './render-configs.js';
import { componentCommands, type ComponentName } from './render-flags.js';
import { rejectServiceAddressesWithoutEndpoint } from './service-reject.js';
import { stopLocalCluster, type StopReport } from './stop-cluster.js';

/** Where each program of the cluster is (the toolchain's cache and Debian's packages). */
export interface ClusterBinaries {
  /** kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy, kubectl. */
  readonly kubernetesBinDir: string;
  readonly etcd: string;
  readonly cniBinDir: string;
  readonly coredns: string;
  readonly corednsVersion: string;
  readonly containerd: string;
  readonly ctr: string;
  readonly busybox: string;
}

export interface LocalCluster {
  readonly layout: ClusterLayout;
  /** The admin kubeconfig (system:masters): for kubectl, helm, tilt and the tests. */
  readonly kubeconfig: string;
  readonly kubectl: Kubectl;
  readonly binaries: ClusterBinaries;
  /** Stops every process and undoes what the cluster changed on the host. */
  stop(): Promise<StopReport>;
}

/** What the stop needs, written at the start: another process (a test run's teardown) may stop it. */
export const CLUSTER_RECORD = 'cluster.json';

/**
 * Starts a single-node cluster as host processes under `stateDir` (created; it must not hold
 * another cluster): containerd, etcd, the control plane, kubelet and kube-proxy, then CoreDNS. On
 * failure everything started is stopped and undone again, and the error names the log to read.
 */
export async function startLocalCluster(
  stateDir: string,
  binaries: ClusterBinaries,
  log: (line: string) => void = () => {},
): Promise<Result<LocalCluster, string>> {
  const layout = clusterLayout(stateDir);
  await mkdir(stateDir, { recursive: true });
  await writeFile(layout.hostSnapshotFile, JSON.stringify(await snapshotHost()));
  await writeFile(join(stateDir, CLUSTER_RECORD), JSON.stringify(binaries));
  const kubectl = kubectlFor(join(binaries.kubernetesBinDir, 'kubectl'), layout.adminKubeconfig);
  const started = await bringUp(layout, binaries, kubectl, log).catch((thrown: unknown) =>
    err(messageOf(thrown)),
  );
  if (!started.ok) {
    log(`the local cluster did not start: ${started.error}; stopping what did`);
    // The state directory goes with the stop; the logs that say why stay beside it.
    const logs = `${stateDir}.logs`;
    await cp(layout.logDir, logs, { recursive: true }).catch(() => undefined);
    await stopLocalCluster(stateDir, log);
    return err(`${started.error} (the components' logs: ${logs})`);
  }
  return ok({
    layout,
    kubeconfig: layout.adminKubeconfig,
    kubectl,
    binaries,
    stop: () => stopLocalCluster(stateDir, log),
  });
}

async function bringUp(
  layout: ClusterLayout,
  binaries: ClusterBinaries,
  kubectl: Kubectl,
  log: (line: string) => void,
): Promise<Result<void, string>> {
  const configured = await writeConfigs(layout, binaries);
  if (!configured.ok) return configured;
  const bridge = await createBridge();
  if (!bridge.ok) return bridge;
  const env = componentEnv(binaries);
  const rejecting = await rejectServiceAddressesWithoutEndpoint(env);
  if (!rejecting.ok) return rejecting;
  const commands = componentCommands(layout);
  const start = async (name: ComponentName) => {
    const command = commands.find((c) => c.name === name)!;
    const pid = await startComponent(layout, name, executableOf(binaries, name), command.args, env);
    log(`started ${name} (pid ${pid.pid})`);
  };
  await start('containerd');
  const ctr = (args: string[]) =>
    runCommand(binaries.ctr, ['--address', layout.containerdSocket, '-n', K8S_NAMESPACE, ...args]);
  const containerdUp = await waitFor('containerd answers', 30_000, async () =>
    ok((await ctr(['version'])).code === 0),
  );
  if (!containerdUp.ok) return containerdUp;
  // Built and imported while etcd and the API server start.
  const images = Promise.all([
    importImage(binaries.ctr, layout, pauseImage(binaries.busybox)),
    importImage(binaries.ctr, layout, corednsImage(binaries.coredns, binaries.corednsVersion)),
  ]);
  await start('etcd');
  await start('kube-apiserver');
  const apiUp = await waitFor('the API server is ready', 90_000, async () => {
    const readyz = await kubectl(['get', '--raw', '/readyz']);
    return readyz.ok ? ok(readyz.value.trim() === 'ok') : readyz;
  });
  if (!apiUp.ok) return apiUp;
  for (const result of await images) if (!result.ok) return result;
  for (const name of [
    'kube-controller-manager',
    'kube-scheduler',
    'kubelet',
    'kube-proxy',
  ] as const)
    await start(name);
  return waitUntilUsable(kubectl, binaries);
}

async function waitUntilUsable(
  kubectl: Kubectl,
  binaries: ClusterBinaries,
): Promise<Result<void, string>> {
  const nodeReady = await waitFor(`node ${NODE_NAME} is Ready`, 120_000, async () => {
    const status = await kubectl([
      'get',
      'node',
      NODE_NAME,
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
    ]);
    return status.ok ? ok(status.value === 'True') : status;
  });
  if (!nodeReady.ok) return nodeReady;
  // Pods created before it exists are refused ("error looking up service account default/default").
  const account = await waitFor('the default ServiceAccount exists', 60_000, async () => {
    const found = await kubectl([
      'get',
      'serviceaccount',
      'default',
      '-n',
      'default',
      '-o',
      'name',
    ]);
    return ok(found.ok);
  });
  if (!account.ok) return account;
  const image = corednsImage(binaries.coredns, binaries.corednsVersion).name;
  const applied = await kubectl(['apply', '-f', '-'], renderCorednsManifests(image));
  if (!applied.ok) return applied;
  return waitFor('CoreDNS is ready', 120_000, async () => {
    const ready = await kubectl([
      '-n',
      'kube-system',
      'get',
      'deployment',
      'coredns',
      '-o',
      'jsonpath={.status.readyReplicas}',
    ]);
    return ready.ok ? ok(ready.value === '1') : ready;
  });
}

async function writeConfigs(
  layout: ClusterLayout,
  binaries: ClusterBinaries,
): Promise<Result<void, string>> {
  const pki = await writeClusterPki(layout);
  if (!pki.ok) return pki;
  await mkdir(layout.cniConfDir, { recursive: true });
  await mkdir(layout.imagesDir, { recursive: true });
  await writeFile(join(layout.cniConfDir, '10-devenv.conflist'), renderCniConflist(layout));
  await writeFile(join(layout.cniConfDir, '99-loopback.conf'), renderLoopbackConf());
  await writeFile(
    join(layout.stateDir, 'containerd.toml'),
    renderContainerdConfig(layout, binaries.cniBinDir),
  );
  await writeFile(join(layout.stateDir, 'kubelet-config.yaml'), renderKubeletConfig(layout));
  await writeFile(join(layout.stateDir, 'kube-proxy-config.yaml'), renderKubeProxyConfig(layout));
  await writeFile(
    join(layout.stateDir, 'resolv.conf'),
    `# cluster DNS only (${CLUSTER_NETWORK.dnsServiceIp})\n`,
  );
  return ok(undefined);
}

/** The bridge with its gateway address, before the API server binds to that address. */
async function createBridge(): Promise<Result<void, string>> {
  const { bridge, gateway, gatewayPrefix } = CLUSTER_NETWORK;
  for (const args of [
    ['link', 'add', bridge, 'type', 'bridge'],
    ['addr', 'add', `${gateway}/${gatewayPrefix}`, 'dev', bridge],
    ['link', 'set', bridge, 'up'],
  ]) {
    const outcome = await runCommand('ip', args, { timeoutMs: 10_000 });
    if (outcome.code !== 0)
      return err(
        `ip ${args.join(' ')} failed: ${outcome.tail.trim()} (is another local cluster running? port ${CLUSTER_PORTS.apiserver})`,
      );
  }
  return ok(undefined);
}

function executableOf(binaries: ClusterBinaries, name: ComponentName): string {
  if (name === 'containerd') return binaries.containerd;
  if (name === 'etcd') return binaries.etcd;
  return join(binaries.kubernetesBinDir, name);
}

/** sbin for iptables, ip, mount and runc; containerd's directory for its shim. */
function componentEnv(binaries: ClusterBinaries): NodeJS.ProcessEnv {
  const path = [
    join(binaries.containerd, '..'),
    '/usr/local/sbin',
    '/usr/sbin',
    '/sbin',
    process.env['PATH'] ?? '/usr/bin:/bin',
  ];
  return { ...process.env, PATH: path.join(':') };
}
