import type { ToolDefinition } from './catalog.js';

type ClusterToolId =
  | 'kubernetes'
  | 'etcd'
  | 'cni-plugins'
  | 'coredns'
  | 'containerd'
  | 'runc'
  | 'conntrack'
  | 'iptables';

const VERSION_PACKAGE = 'k8s.io/component-base/version';
const FOR_LOCAL_CLUSTER =
  'the local Kubernetes cluster the tests start where kind cannot run (docs/kubernetes.md)';

/**
 * The programs of the local cluster (devenv/src/cluster/): upstream Kubernetes, etcd, the CNI
 * plugins and CoreDNS built from the Go module proxy (static: CoreDNS also runs as an image
 * made of its binary alone), containerd, runc, conntrack and iptables from Debian.
 */
export const CLUSTER_TOOLS: Readonly<Record<ClusterToolId, ToolDefinition>> = {
  kubernetes: {
    id: 'kubernetes',
    purpose: `kube-apiserver, controller-manager, scheduler, kubelet, kube-proxy, kubectl: ${FOR_LOCAL_CLUSTER}`,
    executable: 'kube-apiserver',
    versionArgs: ['--version'],
    need: 'optional',
    routes: [
      {
        kind: 'go-module-build',
        module: 'k8s.io/kubernetes',
        package: './cmd/kube-apiserver',
        alsoBuilds: {
          'kube-controller-manager': './cmd/kube-controller-manager',
          'kube-scheduler': './cmd/kube-scheduler',
          kubelet: './cmd/kubelet',
          'kube-proxy': './cmd/kube-proxy',
          kubectl: './cmd/kubectl',
        },
        // The zip has no staging/ trees: the published k8s.io/api etc. of the same release.
        localReplacesAt: 'v0.{minor}.{patch}',
        // Without these every binary reports v0.0.0 (and the kubelet's version is the node's).
        versionLdflags: [
          `${VERSION_PACKAGE}.gitVersion=v{version}`,
          `${VERSION_PACKAGE}.gitMajor={major}`,
          `${VERSION_PACKAGE}.gitMinor={minor}`,
          `${VERSION_PACKAGE}.gitTreeState=clean`,
        ],
        static: true,
      },
    ],
    manual: 'install Go and run `npx devenv doctor --fix --all` (builds k8s.io/kubernetes)',
  },
  etcd: {
    id: 'etcd',
    purpose: `the API server's store: ${FOR_LOCAL_CLUSTER}`,
    executable: 'etcd',
    versionArgs: ['--version'],
    need: 'optional',
    routes: [
      {
        kind: 'go-module-build',
        module: 'go.etcd.io/etcd/server/v3',
        package: '.',
        localReplacesAt: 'v{version}',
        static: true,
      },
    ],
    manual: 'install Go and run `npx devenv doctor --fix --all` (builds go.etcd.io/etcd/server/v3)',
  },
  'cni-plugins': {
    id: 'cni-plugins',
    purpose: `pod networking (bridge, host-local, loopback, portmap, firewall): ${FOR_LOCAL_CLUSTER}`,
    executable: 'bridge',
    // With no CNI_COMMAND a plugin prints its name and version.
    versionArgs: [],
    need: 'optional',
    routes: [
      {
        kind: 'go-module-build',
        module: 'github.com/containernetworking/plugins',
        package: './plugins/main/bridge',
        alsoBuilds: {
          loopback: './plugins/main/loopback',
          'host-local': './plugins/ipam/host-local',
          portmap: './plugins/meta/portmap',
          firewall: './plugins/meta/firewall',
        },
        versionLdflag:
          'github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion=v{version}',
        static: true,
      },
    ],
    manual: 'install Go and run `npx devenv doctor --fix --all` (builds the CNI plugins)',
  },
  coredns: {
    id: 'coredns',
    purpose: `the cluster DNS: ${FOR_LOCAL_CLUSTER}`,
    executable: 'coredns',
    versionArgs: ['-version'],
    need: 'optional',
    routes: [
      { kind: 'go-module-build', module: 'github.com/coredns/coredns', package: '.', static: true },
    ],
    manual: 'install Go and run `npx devenv doctor --fix --all` (builds CoreDNS)',
  },
  containerd: systemTool('containerd', 'containerd', 'the container runtime'),
  runc: systemTool('runc', 'runc', 'the OCI runtime containerd starts containers with'),
  conntrack: systemTool('conntrack', 'conntrack', 'kube-proxy clears stale UDP flows with it'),
  iptables: systemTool('iptables', 'iptables', 'kube-proxy and the CNI plugins program it'),
};

function systemTool(id: ClusterToolId, executable: string, what: string): ToolDefinition {
  return {
    id,
    purpose: `${what}: ${FOR_LOCAL_CLUSTER}`,
    executable,
    versionArgs: ['--version'],
    need: 'optional',
    routes: [{ kind: 'apt', package: id }],
    extraDirs: ['/usr/sbin', '/sbin'],
    manual: `install it as root: apt-get install ${id} (Debian/Ubuntu)`,
  };
}
