import { join } from 'node:path';
import { stringify } from 'yaml';
import { CONTAINERD_EXTENSION } from '../promote/kubeconfig.js';
import {
  apiserverUrl,
  CLUSTER_NETWORK,
  CLUSTER_PORTS,
  NODE_NAME,
  PAUSE_IMAGE,
  type ClusterLayout,
} from './layout.js';

/**
 * containerd 1.6's config. `restrict_oom_score_adj`: lowering a process's oom_score_adj needs
 * CAP_SYS_RESOURCE, which this machine's bounding set lacks, and without it every pod sandbox
 * fails ("can't get final child's PID from pipe: EOF"). The sandbox image is the locally imported
 * pause image (no registry). runc keeps its state under the state directory too.
 */
export function renderContainerdConfig(layout: ClusterLayout, cniBinDir: string): string {
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  return [
    'version = 2',
    `root = ${JSON.stringify(layout.containerdRoot)}`,
    `state = ${JSON.stringify(layout.containerdState)}`,
    'disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]',
    '[grpc]',
    `  address = ${JSON.stringify(layout.containerdSocket)}`,
    `[${cri}]`,
    `  sandbox_image = ${JSON.stringify(PAUSE_IMAGE)}`,
    '  restrict_oom_score_adj = true',
    '  enable_selinux = false',
    `[${cri}.cni]`,
    `  bin_dir = ${JSON.stringify(cniBinDir)}`,
    `  conf_dir = ${JSON.stringify(layout.cniConfDir)}`,
    `[${cri}.containerd]`,
    '  snapshotter = "overlayfs"',
    '  default_runtime_name = "runc"',
    `[${cri}.containerd.runtimes.runc]`,
    '  runtime_type = "io.containerd.runc.v2"',
    `[${cri}.containerd.runtimes.runc.options]`,
    '  SystemdCgroup = false',
    `  Root = ${JSON.stringify(layout.runcRoot)}`,
    '',
  ].join('\n');
}

/**
 * The pod network: a bridge with host-local addresses, loopback, hostPort mapping, and the
 * `firewall` plugin, which admits the pods' traffic in FORWARD. Without it, on a machine where
 * Docker once ran (its FORWARD policy is DROP) pod-to-pod and pod-to-Service traffic times out.
 * None of these enforces NetworkPolicy.
 */
export function renderCniConflist(layout: ClusterLayout): string {
  return JSON.stringify(
    {
      cniVersion: '1.0.0',
      name: 'devenv-local',
      plugins: [
        {
          type: 'bridge',
          bridge: CLUSTER_NETWORK.bridge,
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            dataDir: layout.cniStateDir,
            ranges: [[{ subnet: CLUSTER_NETWORK.podCidr, gateway: CLUSTER_NETWORK.gateway }]],
            routes: [{ dst: '0.0.0.0/0' }],
          },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
        { type: 'firewall' },
      ],
    },
    null,
    2,
  );
}

export function renderLoopbackConf(): string {
  return JSON.stringify({ cniVersion: '1.0.0', name: 'lo', type: 'loopback' }, null, 2);
}

/**
 * The kubelet: cgroupfs (containerd runs runc with SystemdCgroup off), cgroup v1 allowed (this
 * machine's hierarchy; a warning on 1.34), no swap check, no oom_score_adj change (see
 * containerd), low eviction thresholds so a busy shared disk does not evict the test pods, and
 * webhook authn/authz so `kubectl logs`/`exec` go through the API server's own client certificate.
 */
export function renderKubeletConfig(layout: ClusterLayout): string {
  return stringify({
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    address: CLUSTER_NETWORK.gateway,
    port: CLUSTER_PORTS.kubelet,
    healthzBindAddress: '127.0.0.1',
    healthzPort: CLUSTER_PORTS.kubeletHealthz,
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: true },
      x509: { clientCAFile: join(layout.pkiDir, 'ca.crt') },
    },
    authorization: { mode: 'Webhook' },
    cgroupDriver: 'cgroupfs',
    failCgroupV1: false,
    failSwapOn: false,
    oomScoreAdj: 0,
    containerRuntimeEndpoint: `unix://${layout.containerdSocket}`,
    clusterDNS: [CLUSTER_NETWORK.dnsServiceIp],
    clusterDomain: CLUSTER_NETWORK.clusterDomain,
    // Pods get the cluster DNS only: nothing forwards names off the machine.
    resolvConf: join(layout.stateDir, 'resolv.conf'),
    evictionHard: {
      'memory.available': '50Mi',
      'nodefs.available': '1%',
      'nodefs.inodesFree': '1%',
      'imagefs.available': '1%',
    },
    imageGCHighThresholdPercent: 99,
    imageGCLowThresholdPercent: 98,
    podLogsDir: join(layout.stateDir, 'pod-logs'),
    serializeImagePulls: false,
  });
}

/**
 * kube-proxy in iptables mode. Conntrack sizes and timeouts at 0 leave the host's sysctls alone;
 * the metrics and health ports stay on loopback.
 */
export function renderKubeProxyConfig(layout: ClusterLayout): string {
  return stringify({
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    clientConnection: { kubeconfig: kubeconfigPath(layout, 'kube-proxy') },
    mode: 'iptables',
    clusterCIDR: CLUSTER_NETWORK.podCidr,
    hostnameOverride: NODE_NAME,
    oomScoreAdj: 0,
    bindAddress: '127.0.0.1',
    metricsBindAddress: `127.0.0.1:${CLUSTER_PORTS.kubeProxyMetrics}`,
    healthzBindAddress: `127.0.0.1:${CLUSTER_PORTS.kubeProxyHealthz}`,
    conntrack: {
      maxPerCore: 0,
      min: 0,
      tcpEstablishedTimeout: '0s',
      tcpCloseWaitTimeout: '0s',
    },
  });
}

/** The identities the components use against the API server (static bearer tokens). */
export const CLUSTER_USERS = {
  admin: { user: 'devenv-admin', groups: ['system:masters'] },
  'kube-controller-manager': { user: 'system:kube-controller-manager', groups: [] },
  'kube-scheduler': { user: 'system:kube-scheduler', groups: [] },
  kubelet: { user: `system:node:${NODE_NAME}`, groups: ['system:nodes'] },
  'kube-proxy': { user: 'system:kube-proxy', groups: [] },
} as const;

export type ClusterUser = keyof typeof CLUSTER_USERS;

export function kubeconfigPath(layout: ClusterLayout, user: ClusterUser): string {
  return user === 'admin' ? layout.adminKubeconfig : join(layout.pkiDir, `${user}.kubeconfig`);
}

/** The API server's --token-auth-file: token,user,uid,"groups". */
export function renderTokenFile(tokens: Readonly<Record<ClusterUser, string>>): string {
  return (Object.keys(CLUSTER_USERS) as ClusterUser[])
    .map((id) => {
      const { user, groups } = CLUSTER_USERS[id];
      return `${tokens[id]},${user},${user},"${groups.join(',')}"`;
    })
    .join('\n')
    .concat('\n');
}

export function renderKubeconfig(layout: ClusterLayout, token: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'devenv-local',
        cluster: {
          server: apiserverUrl(),
          'certificate-authority': join(layout.pkiDir, 'ca.crt'),
          // devenv promote imports images through this containerd (no --containerd needed).
          extensions: [
            { name: CONTAINERD_EXTENSION, extension: { address: layout.containerdSocket } },
          ],
        },
      },
    ],
    users: [{ name: 'devenv-local', user: { token } }],
    contexts: [
      { name: 'devenv-local', context: { cluster: 'devenv-local', user: 'devenv-local' } },
    ],
    'current-context': 'devenv-local',
  });
}
