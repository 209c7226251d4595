import { isIP } from 'node:net';
import { isAbsolute } from 'node:path';
import { err, ok, type Result } from '../../shared/result.js';
import type { KubeCluster, KubeContext, Kubeconfig, KubeUser } from './kubeconfig.js';
import type { PromoteFailure } from './promote-failure.js';

const KIND_PREFIX = 'kind-';

/** The context promote will deploy to, and how its images get there (`kind load`, `ctr import`). */
export interface TargetContext {
  readonly context: KubeContext;
  readonly cluster: KubeCluster;
  readonly user: KubeUser | undefined;
  /** kind's cluster name (the context name without `kind-`); undefined for any other context. */
  readonly kindCluster: string | undefined;
  /**
   * The unix socket of a local containerd cluster's containerd (its kubelet's runtime), whose
   * `k8s.io` namespace the images are imported into; undefined for kind and allowed contexts.
   */
  readonly containerd: string | undefined;
}

/**
 * Picks the context (--context, else current-context) and decides whether promote may touch it.
 * Local clusters, both with their API server on this machine's loopback:
 * - kind: the context kind named (`kind-<cluster>`);
 * - a containerd cluster (kubelet and containerd as host processes: devenv's test cluster,
 *   kubeadm, k3s): one whose containerd socket is known, from `containerd` (--containerd) or
 *   from the kubeconfig cluster's `devenv.dev/containerd` extension. An explicit socket wins
 *   over a kind-like name: the user said where the images go.
 * Anything else is refused unless `allowContext` names it exactly: a forgotten
 * `kubectl config use-context prod` must not deploy a development build there. Pure.
 */
export function chooseContext(
  config: Kubeconfig,
  requested: string | undefined,
  allowContext: string | undefined,
  containerd?: string,
  localAddresses: ReadonlySet<string> = new Set(),
): Result<TargetContext, PromoteFailure> {
  const known = [...config.contexts.keys()].sort();
  const name = requested ?? config.currentContext;
  if (name === undefined) return err({ reason: 'no-context-chosen', known });
  const context = config.contexts.get(name);
  if (!context)
    return err({ reason: 'context-not-found', context: name, known, files: config.files });
  const cluster = config.clusters.get(context.cluster);
  if (!cluster)
    return err({
      reason: 'context-incomplete',
      context: name,
      missing: `cluster "${context.cluster}"`,
    });
  const user = config.users.get(context.user);

  const kindCluster = kindClusterName(name);
  const loopback = isLoopbackServer(cluster.server);
  const socket = containerd ?? cluster.containerdAddress;
  const chosen = { context, cluster, user, kindCluster: undefined, containerd: undefined };
  // A host-process cluster may serve its API on an address of its own bridge (devenv's does).
  const onThisMachine = loopback || localAddresses.has(serverHost(cluster.server) ?? '');
  if (socket !== undefined && onThisMachine && isAbsolute(socket))
    return ok({ ...chosen, containerd: socket });
  if (kindCluster !== undefined && loopback && containerd === undefined)
    return ok({ ...chosen, kindCluster });
  if (allowContext === name) return ok(chosen);
  return err({
    reason: 'context-refused',
    context: name,
    server: cluster.server,
    why: refusal(
      kindCluster !== undefined,
      socket === undefined ? loopback : onThisMachine,
      socket,
    ),
  });
}

function refusal(kindName: boolean, local: boolean, socket: string | undefined): string {
  if (!local)
    return socket !== undefined
      ? `its API server is not on this machine (neither loopback nor an address of its interfaces; if it is a local cluster that is stopped, start it)`
      : kindName
        ? `it is named like a kind cluster, but its API server is not on this machine's loopback`
        : `its API server is not on this machine's loopback, so it is not a local cluster`;
  if (socket !== undefined)
    return `its containerd address ${socket} is not an absolute unix socket path on this machine`;
  return 'its name is not kind-<cluster>, so it is not a kind cluster, and no containerd socket is known for it (--containerd)';
}

/** `kind-time-cop` → `time-cop`; undefined when the name is not kind's. */
export function kindClusterName(context: string): string | undefined {
  return context.startsWith(KIND_PREFIX) && context.length > KIND_PREFIX.length
    ? context.slice(KIND_PREFIX.length)
    : undefined;
}

/** The host of an API server URL, IPv6 without brackets; undefined when it is no URL. */
export function serverHost(server: string): string | undefined {
  try {
    return new URL(server).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return undefined;
  }
}

/** True for an API server URL whose host is localhost, 127.0.0.0/8 or ::1. */
export function isLoopbackServer(server: string): boolean {
  const host = serverHost(server);
  if (host === undefined) return false;
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}
