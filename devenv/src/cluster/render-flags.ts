import { join } from 'node:path';
import { CLUSTER_NETWORK, CLUSTER_PORTS, NODE_NAME, type ClusterLayout } from './layout.js';
import { kubeconfigPath } from './render-configs.js';

/** One host process of the cluster: its binary (by tool) and arguments. */
export interface ComponentCommand {
  readonly name: ComponentName;
  readonly args: readonly string[];
}

/** In start order; they are stopped in the reverse order. */
export const COMPONENT_ORDER = [
  'containerd',
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kubelet',
  'kube-proxy',
] as const;

export type ComponentName = (typeof COMPONENT_ORDER)[number];

const pki = (layout: ClusterLayout, file: string) => join(layout.pkiDir, file);

/** etcd on loopback only, without fsync: a throwaway test store. */
function etcdArgs(layout: ClusterLayout): string[] {
  const client = `http://127.0.0.1:${CLUSTER_PORTS.etcdClient}`;
  const peer = `http://127.0.0.1:${CLUSTER_PORTS.etcdPeer}`;
  return [
    '--name=default',
    `--data-dir=${layout.etcdDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=default=${peer}`,
    '--unsafe-no-fsync',
    '--log-level=warn',
  ];
}

function apiserverArgs(layout: ClusterLayout): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${CLUSTER_PORTS.etcdClient}`,
    `--bind-address=${CLUSTER_NETWORK.gateway}`,
    `--advertise-address=${CLUSTER_NETWORK.gateway}`,
    `--secure-port=${CLUSTER_PORTS.apiserver}`,
    `--tls-cert-file=${pki(layout, 'apiserver.crt')}`,
    `--tls-private-key-file=${pki(layout, 'apiserver.key')}`,
    `--client-ca-file=${pki(layout, 'ca.crt')}`,
    `--token-auth-file=${pki(layout, 'tokens.csv')}`,
    '--authorization-mode=Node,RBAC',
    '--enable-admission-plugins=NodeRestriction',
    `--service-cluster-ip-range=${CLUSTER_NETWORK.serviceCidr}`,
    `--service-account-issuer=https://kubernetes.default.svc.${CLUSTER_NETWORK.clusterDomain}`,
    `--service-account-key-file=${pki(layout, 'sa.pub')}`,
    `--service-account-signing-key-file=${pki(layout, 'sa.key')}`,
    `--kubelet-client-certificate=${pki(layout, 'apiserver-kubelet-client.crt')}`,
    `--kubelet-client-key=${pki(layout, 'apiserver-kubelet-client.key')}`,
    '--kubelet-preferred-address-types=InternalIP',
    '--allow-privileged=true',
    '--profiling=false',
  ];
}

function controllerManagerArgs(layout: ClusterLayout): string[] {
  const kubeconfig = kubeconfigPath(layout, 'kube-controller-manager');
  return [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${CLUSTER_PORTS.controllerManager}`,
    `--service-account-private-key-file=${pki(layout, 'sa.key')}`,
    `--root-ca-file=${pki(layout, 'ca.crt')}`,
    '--use-service-account-credentials=true',
    `--service-cluster-ip-range=${CLUSTER_NETWORK.serviceCidr}`,
    '--leader-elect=false',
    '--profiling=false',
  ];
}

function schedulerArgs(layout: ClusterLayout): string[] {
  const kubeconfig = kubeconfigPath(layout, 'kube-scheduler');
  return [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${CLUSTER_PORTS.scheduler}`,
    '--leader-elect=false',
    '--profiling=false',
  ];
}

function kubeletArgs(layout: ClusterLayout): string[] {
  return [
    `--config=${join(layout.stateDir, 'kubelet-config.yaml')}`,
    `--kubeconfig=${kubeconfigPath(layout, 'kubelet')}`,
    `--root-dir=${layout.kubeletDir}`,
    `--cert-dir=${join(layout.kubeletDir, 'pki')}`,
    `--hostname-override=${NODE_NAME}`,
    `--node-ip=${CLUSTER_NETWORK.gateway}`,
  ];
}

/** Every component's command line, in start order. */
export function componentCommands(layout: ClusterLayout): ComponentCommand[] {
  const args: Record<ComponentName, string[]> = {
    containerd: ['--config', join(layout.stateDir, 'containerd.toml')],
    etcd: etcdArgs(layout),
    'kube-apiserver': apiserverArgs(layout),
    'kube-controller-manager': controllerManagerArgs(layout),
    'kube-scheduler': schedulerArgs(layout),
    kubelet: kubeletArgs(layout),
    'kube-proxy': [`--config=${join(layout.stateDir, 'kube-proxy-config.yaml')}`],
  };
  return COMPONENT_ORDER.map((name) => ({ name, args: args[name] }));
}
