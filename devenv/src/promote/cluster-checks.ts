import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { describeOutcome, runCommand } from '../process/run-command.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { TargetContext } from './context-policy.js';
import { connectKubeApi } from './kube-api.js';
import type { PromoteFailure } from './promote-failure.js';
import { isRecord } from './rendered-manifest.js';

/**
 * The API server answers `/version` with the kubeconfig's credentials, so a stopped cluster is
 * reported before an image is built. A context whose credentials come from a plugin is not
 * asked (devenv does not run plugins): helm then meets the cluster first.
 */
export async function checkClusterAnswers(
  target: TargetContext,
): Promise<Result<{ nodes: readonly NodeRuntime[] } | undefined, PromoteFailure>> {
  if (target.user?.plugin === true) return ok(undefined);
  const unreachable = (detail: string): Result<never, PromoteFailure> =>
    err({
      reason: 'cluster-unreachable',
      context: target.context.name,
      server: target.cluster.server,
      detail,
    });
  const api = await connectKubeApi(target);
  if (!api.ok) return unreachable(api.error);
  const version = await api.value.get('/version');
  if (!version.ok) return unreachable(version.error);
  const nodes = await api.value.get('/api/v1/nodes');
  if (!nodes.ok) return unreachable(nodes.error);
  return ok({ nodes: nodeRuntimes(nodes.value) });
}

/** A node and its container runtime as the kubelet reports it (`containerd://1.6.20`). */
export interface NodeRuntime {
  readonly node: string;
  readonly runtime: string;
}

/** From a NodeList: each node's `status.nodeInfo.containerRuntimeVersion`. Pure. */
export function nodeRuntimes(nodeListJson: string): NodeRuntime[] {
  let list: unknown;
  try {
    list = JSON.parse(nodeListJson);
  } catch {
    return [];
  }
  const items = isRecord(list) && Array.isArray(list['items']) ? (list['items'] as unknown[]) : [];
  return items.filter(isRecord).map((item) => {
    const metadata = isRecord(item['metadata']) ? item['metadata'] : {};
    const status = isRecord(item['status']) ? item['status'] : {};
    const info = isRecord(status['nodeInfo']) ? status['nodeInfo'] : {};
    return {
      node: typeof metadata['name'] === 'string' ? metadata['name'] : '?',
      runtime:
        typeof info['containerRuntimeVersion'] === 'string' ? info['containerRuntimeVersion'] : '',
    };
  });
}

/**
 * For a local containerd cluster: every node runs containerd (the images go into its store,
 * which a node on another runtime would never see), and `ctr` reaches the socket promote was
 * given. The import itself can then only fail on the images.
 */
export async function checkContainerd(
  address: string,
  nodes: readonly NodeRuntime[] | undefined,
  env: NodeJS.ProcessEnv,
): Promise<Result<string, PromoteFailure>> {
  const other = nodes?.filter((n) => !n.runtime.startsWith('containerd://')) ?? [];
  if (other.length > 0)
    return err({
      reason: 'containerd-unreachable',
      address,
      detail: `node ${other.map((n) => `${n.node} runs ${n.runtime || 'an unknown runtime'}`).join(', ')}, not containerd`,
    });
  const ctr = await findExecutable('ctr', env);
  if (ctr === undefined)
    return err({
      reason: 'tool-unavailable',
      tool: 'ctr',
      detail: 'not on PATH',
      remediation: 'install Debian containerd (apt-get install containerd), which ships ctr',
    });
  const answered = await runCommand(ctr, ['--address', address, 'version'], {
    env,
    timeoutMs: 30_000,
  });
  if (answered.code !== 0)
    return err({ reason: 'containerd-unreachable', address, detail: describeOutcome(answered) });
  return ok(ctr);
}

async function findExecutable(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env['PATH'] ?? '').split(delimiter).filter((d) => d !== '')) {
    const path = join(dir, name);
    try {
      await access(path, constants.X_OK);
      return path;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}
