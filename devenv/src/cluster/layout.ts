import { join } from 'node:path';

/**
 * Where a local cluster keeps everything it writes, and the addresses it uses. Every path is under
 * one state directory the caller chooses (a temporary one in tests), so removing that directory
 * removes the cluster's files; the few host paths the kubelet and containerd write regardless are
 * in `HOST_PATHS_WRITTEN` and undone by the teardown.
 */
export interface ClusterLayout {
  readonly stateDir: string;
  readonly pkiDir: string;
  readonly logDir: string;
  readonly etcdDir: string;
  readonly kubeletDir: string;
  readonly containerdRoot: string;
  readonly containerdState: string;
  readonly containerdSocket: string;
  readonly runcRoot: string;
  readonly cniConfDir: string;
  readonly cniStateDir: string;
  readonly imagesDir: string;
  /** The admin kubeconfig, for kubectl, helm and the tests. */
  readonly adminKubeconfig: string;
  readonly pidsFile: string;
  readonly hostSnapshotFile: string;
}

export function clusterLayout(stateDir: string): ClusterLayout {
  const at = (...parts: string[]) => join(stateDir, ...parts);
  return {
    stateDir,
    pkiDir: at('pki'),
    logDir: at('logs'),
    etcdDir: at('etcd'),
    kubeletDir: at('kubelet'),
    containerdRoot: at('containerd', 'root'),
    containerdState: at('containerd', 'state'),
    containerdSocket: at('containerd', 'containerd.sock'),
    runcRoot: at('runc'),
    cniConfDir: at('cni', 'net.d'),
    cniStateDir: at('cni', 'networks'),
    imagesDir: at('images'),
    adminKubeconfig: at('admin.kubeconfig'),
    pidsFile: at('pids.json'),
    hostSnapshotFile: at('host-before.json'),
  };
}

/**
 * The cluster's network. The bridge is created with its gateway address before anything starts,
 * so the API server can listen on it: pods reach it there (through the `kubernetes` Service),
 * the host reaches it locally, and nothing listens on an interface that leaves the machine.
 */
export const CLUSTER_NETWORK = {
  bridge: 'cni0',
  podCidr: '10.244.0.0/24',
  gateway: '10.244.0.1',
  gatewayPrefix: 24,
  serviceCidr: '10.96.0.0/16',
  kubernetesServiceIp: '10.96.0.1',
  dnsServiceIp: '10.96.0.10',
  clusterDomain: 'cluster.local',
} as const;

/** Fixed ports: one local cluster per machine at a time (the test lease shares it). */
export const CLUSTER_PORTS = {
  etcdClient: 2379,
  etcdPeer: 2380,
  apiserver: 6443,
  kubelet: 10250,
  kubeletHealthz: 10248,
  kubeProxyMetrics: 10249,
  kubeProxyHealthz: 10256,
  controllerManager: 10257,
  scheduler: 10259,
} as const;

export const NODE_NAME = 'devenv-local';

export function apiserverUrl(): string {
  return `https://${CLUSTER_NETWORK.gateway}:${CLUSTER_PORTS.apiserver}`;
}

/**
 * Host paths the kubelet, containerd and the CNI plugins write whatever their configured
 * directories are; the teardown removes those that did not exist before the cluster started.
 */
export const HOST_PATHS_WRITTEN = [
  '/var/lib/kubelet',
  '/var/log/containers',
  '/var/log/pods',
  '/usr/libexec/kubernetes',
  '/var/lib/cni',
  '/run/containerd',
  '/etc/cni',
  '/opt/cni',
] as const;

/** Sysctls the kubelet and kube-proxy set; their values before the start are restored. */
export const SYSCTLS_TOUCHED = [
  'vm/overcommit_memory',
  'kernel/panic',
  'kernel/panic_on_oops',
  'net/ipv4/conf/all/route_localnet',
  'net/bridge/bridge-nf-call-iptables',
  'net/ipv4/ip_forward',
] as const;

/** The images every cluster needs, built locally (no registry) and imported into containerd. */
export const PAUSE_IMAGE = 'devenv.local/pause:1';
export const COREDNS_IMAGE_REPO = 'devenv.local/coredns';
