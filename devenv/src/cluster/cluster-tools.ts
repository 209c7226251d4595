import { dirname, join } from 'node:path';
import { err, ok, type Result } from '../../shared/result.js';
import { describeToolFailure } from '../toolchain/resolve.js';
import type { Toolchain } from '../toolchain/toolchain.js';
import type { ToolId } from '../versions/tool-ids.js';
import type { ClusterBinaries } from './local-cluster.js';

/** Every tool a local cluster runs; the registry ones are built once and cached by version. */
export const CLUSTER_TOOL_IDS: readonly ToolId[] = [
  'kubernetes',
  'etcd',
  'cni-plugins',
  'coredns',
  'containerd',
  'runc',
  'conntrack',
  'iptables',
  'busybox',
];

/**
 * The cluster's programs through the toolchain (`ensure`: built or installed when missing), or
 * every one that could not be had, with what to do. The builds run one after another: the
 * Kubernetes build alone keeps two cores busy.
 */
export async function ensureClusterBinaries(
  toolchain: Toolchain,
): Promise<Result<ClusterBinaries, string>> {
  const paths = new Map<ToolId, string>();
  const versions = new Map<ToolId, string>();
  const problems: string[] = [];
  for (const id of CLUSTER_TOOL_IDS) {
    const resolved = await toolchain.ensure(id);
    if (resolved.ok) {
      paths.set(id, resolved.value.path);
      versions.set(id, resolved.value.version);
    } else {
      problems.push(
        `${id}: ${describeToolFailure(resolved.error)} → ${resolved.error.remediation}`,
      );
    }
  }
  if (problems.length > 0)
    return err(`the local cluster's tools are missing:\n${problems.join('\n')}`);
  const path = (id: ToolId) => paths.get(id)!;
  return ok({
    kubernetesBinDir: dirname(path('kubernetes')),
    etcd: path('etcd'),
    cniBinDir: dirname(path('cni-plugins')),
    coredns: path('coredns'),
    corednsVersion: versions.get('coredns')!,
    containerd: path('containerd'),
    // ctr ships in the containerd package, beside it.
    ctr: join(dirname(path('containerd')), 'ctr'),
    busybox: path('busybox'),
  });
}
