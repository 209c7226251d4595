import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { splitRule } from './host-cleanup.js';
import { isClusterLink, mentionsClusterChain } from './host-state.js';
import { chooseContext } from '../promote/context-policy.js';
import { parseKubeconfig } from '../promote/kubeconfig.js';
import { CLUSTER_NETWORK, clusterLayout, PAUSE_IMAGE } from './layout.js';
import {
  renderContainerdConfig,
  renderKubeconfig,
  renderKubeletConfig,
  renderTokenFile,
} from './render-configs.js';
import { COMPONENT_ORDER, componentCommands } from './render-flags.js';

const layout = clusterLayout('/tmp/devenv-cluster-test');

describe('local cluster configuration', () => {
  it('sets what this machine needs: restricted oom_score_adj, the local pause image, cgroupfs', () => {
    const toml = renderContainerdConfig(layout, '/opt/cni-bin');
    expect(toml).toContain('restrict_oom_score_adj = true');
    expect(toml).toContain(`sandbox_image = "${PAUSE_IMAGE}"`);
    expect(toml).toContain('SystemdCgroup = false');
    expect(toml).toContain(`address = "${layout.containerdSocket}"`);
    const kubelet = parse(renderKubeletConfig(layout)) as Record<string, unknown>;
    expect(kubelet).toMatchObject({
      cgroupDriver: 'cgroupfs',
      failCgroupV1: false,
      failSwapOn: false,
      oomScoreAdj: 0,
      containerRuntimeEndpoint: `unix://${layout.containerdSocket}`,
    });
  });

  it('keeps every path it gives a component under the state directory', () => {
    const paths = componentCommands(layout)
      .flatMap((command) => command.args)
      .map((arg) => (arg.startsWith('--') ? arg.slice(arg.indexOf('=') + 1) : arg))
      .filter((value) => value.startsWith('/'));
    expect(paths.length).toBeGreaterThan(10);
    for (const path of paths) expect(path.startsWith(`${layout.stateDir}/`), path).toBe(true);
    expect(componentCommands(layout).map((c) => c.name)).toEqual([...COMPONENT_ORDER]);
  });

  it('writes one token line per component identity, groups quoted', () => {
    const lines = renderTokenFile({
      admin: 'a',
      'kube-controller-manager': 'b',
      'kube-scheduler': 'c',
      kubelet: 'd',
      'kube-proxy': 'e',
    }).trim();
    expect(lines.split('\n')).toContain(
      'd,system:node:devenv-local,system:node:devenv-local,"system:nodes"',
    );
    expect(lines.split('\n')).toContain('a,devenv-admin,devenv-admin,"system:masters"');
  });
});

describe('the admin kubeconfig the cluster writes', () => {
  it('names its containerd socket, so devenv promote accepts it without --containerd', () => {
    const parsed = parseKubeconfig([
      { path: layout.adminKubeconfig, text: renderKubeconfig(layout, 'token') },
    ]);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
    // The API server listens on the cluster bridge's gateway, one of this machine's addresses.
    const target = chooseContext(
      parsed.value,
      undefined,
      undefined,
      undefined,
      new Set([CLUSTER_NETWORK.gateway]),
    );
    if (!target.ok) throw new Error(JSON.stringify(target.error));
    expect(target.value.containerd).toBe(layout.containerdSocket);
    expect(target.value.kindCluster).toBeUndefined();
  });
});

describe('teardown matching', () => {
  it('splits an iptables -S rule into arguments, a quoted comment as one', () => {
    expect(
      splitRule(
        'INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS',
      ),
    ).toEqual([
      'INPUT',
      '-m',
      'comment',
      '--comment',
      'kubernetes health check service ports',
      '-j',
      'KUBE-NODEPORTS',
    ]);
  });

  it('touches only the cluster’s chains and links, never Docker’s', () => {
    expect(mentionsClusterChain('-A FORWARD -j CNI-FORWARD')).toBe(true);
    expect(mentionsClusterChain('-A FORWARD -j DOCKER-USER')).toBe(false);
    expect(isClusterLink('cni0')).toBe(true);
    expect(isClusterLink('docker0')).toBe(false);
  });
});
