/** Every external tool devenv knows how to find, verify and (where a route exists) install. */
export const TOOL_IDS = [
  'temporal',
  'temporal-test-server',
  'buf',
  'protoc',
  'postgres',
  'prometheus',
  'grafana',
  'loki',
  'k6',
  'docker',
  'dockerd',
  'debootstrap',
  'busybox',
  'helm',
  'kind',
  'tilt',
  'kubeconform',
  'kubernetes',
  'etcd',
  'cni-plugins',
  'coredns',
  'containerd',
  'runc',
  'conntrack',
  'iptables',
  'python',
  'go',
] as const;

export type ToolId = (typeof TOOL_IDS)[number];

export function isToolId(value: string): value is ToolId {
  return (TOOL_IDS as readonly string[]).includes(value);
}
