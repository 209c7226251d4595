import { isIP } from 'node:net';
import { err, ok, type Result } from '../../shared/result.js';
import type { KubeCluster, KubeContext, Kubeconfig, KubeUser } from './kubeconfig.js';
import type { PromoteFailure } from './promote-failure.js';

const KIND_PREFIX = 'kind-';

/** The context promote will deploy to, and whether it is a kind cluster (so images go in by `kind load`). */
export interface TargetContext {
  readonly context: KubeContext;
  readonly cluster: KubeCluster;
  readonly user: KubeUser | undefined;
  /** kind's cluster name (the context name without `kind-`); undefined for an allowed non-kind context. */
  readonly kindCluster: string | undefined;
}

/**
 * Picks the context (--context, else current-context) and decides whether promote may touch it:
 * a kind cluster is one whose context kind named (`kind-<cluster>`) and whose API server is on
 * this machine's loopback. Anything else is refused unless `allowContext` names it exactly: a
 * forgotten `kubectl config use-context prod` must not deploy a development build there. Pure.
 */
export function chooseContext(
  config: Kubeconfig,
  requested: string | undefined,
  allowContext: string | undefined,
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
  if (kindCluster !== undefined && loopback) return ok({ context, cluster, user, kindCluster });
  if (allowContext === name) return ok({ context, cluster, user, kindCluster: undefined });
  const why =
    kindCluster === undefined
      ? `its name is not kind-<cluster>, so it is not a kind cluster${loopback ? '' : ', and its API server is not on this machine'}`
      : `it is named like a kind cluster, but its API server ${cluster.server} is not on this machine's loopback`;
  return err({ reason: 'context-refused', context: name, server: cluster.server, why });
}

/** `kind-time-cop` → `time-cop`; undefined when the name is not kind's. */
export function kindClusterName(context: string): string | undefined {
  return context.startsWith(KIND_PREFIX) && context.length > KIND_PREFIX.length
    ? context.slice(KIND_PREFIX.length)
    : undefined;
}

/** True for an API server URL whose host is localhost, 127.0.0.0/8 or ::1. */
export function isLoopbackServer(server: string): boolean {
  let host: string;
  try {
    host = new URL(server).hostname;
  } catch {
    return false;
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}
