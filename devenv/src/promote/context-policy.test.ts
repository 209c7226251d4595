import { describe, expect, it } from 'vitest';
import { chooseContext, isLoopbackServer, kindClusterName } from './context-policy.js';
import { kubeconfigPaths, parseKubeconfig, type Kubeconfig } from './kubeconfig.js';

const KIND = `apiVersion: v1
kind: Config
clusters:
- name: kind-time-cop
  cluster:
    server: https://127.0.0.1:40123
    certificate-authority-data: ${Buffer.from('CA PEM').toString('base64')}
- name: prod
  cluster:
    server: https://prod.example.com:6443
    certificate-authority: ca/prod.crt
- name: kind-faraway
  cluster: {server: 'https://10.0.0.5:6443'}
- name: docker-desktop
  cluster: {server: 'https://localhost:6443'}
contexts:
- name: kind-time-cop
  context: {cluster: kind-time-cop, user: kind-time-cop}
- name: prod
  context: {cluster: prod, user: admin, namespace: payments}
- name: kind-faraway
  context: {cluster: kind-faraway, user: admin}
- name: docker-desktop
  context: {cluster: docker-desktop, user: admin}
- name: dangling
  context: {cluster: nowhere, user: admin}
users:
- name: kind-time-cop
  user:
    client-certificate-data: ${Buffer.from('CERT').toString('base64')}
    client-key-data: ${Buffer.from('KEY').toString('base64')}
- name: admin
  user:
    exec: {command: aws, apiVersion: client.authentication.k8s.io/v1beta1}
current-context: prod
`;

function config(...texts: string[]): Kubeconfig {
  const parsed = parseKubeconfig(texts.map((text, i) => ({ path: `/home/u/.kube/c${i}`, text })));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  return parsed.value;
}

describe('parseKubeconfig', () => {
  it('reads contexts, clusters (CA decoded, relative files resolved) and users', () => {
    const c = config(KIND);
    expect(c.currentContext).toBe('prod');
    expect([...c.contexts.keys()]).toEqual([
      'kind-time-cop',
      'prod',
      'kind-faraway',
      'docker-desktop',
      'dangling',
    ]);
    expect(c.contexts.get('prod')).toEqual({
      name: 'prod',
      cluster: 'prod',
      user: 'admin',
      namespace: 'payments',
    });
    expect(c.clusters.get('kind-time-cop')?.caData).toBe('CA PEM');
    expect(c.clusters.get('prod')?.caFile).toBe('/home/u/.kube/ca/prod.crt');
    expect(c.users.get('kind-time-cop')).toMatchObject({
      clientCertData: 'CERT',
      clientKeyData: 'KEY',
      plugin: false,
    });
    expect(c.users.get('admin')?.plugin).toBe(true);
  });

  it('merges files as client-go does: the first definition of a name and the first current-context win', () => {
    const second = `contexts:
- name: prod
  context: {cluster: other, user: x}
- name: extra
  context: {cluster: prod, user: x}
current-context: extra
`;
    const c = config(KIND, second);
    expect(c.contexts.get('prod')?.cluster).toBe('prod');
    expect(c.contexts.has('extra')).toBe(true);
    expect(c.currentContext).toBe('prod');
    expect(config('', second).currentContext).toBe('extra');
  });

  it('names the file and the entry when the file is not a kubeconfig', () => {
    const bad = (text: string) => parseKubeconfig([{ path: '/k', text }]);
    expect(bad('contexts: [').ok).toBe(false);
    expect(bad('- a\n- b\n')).toMatchObject({
      ok: false,
      error: {
        reason: 'kubeconfig-invalid',
        path: '/k',
        detail: 'expected a mapping at the top level',
      },
    });
    expect(bad('contexts:\n- name: x\n  context: {user: u}\n')).toMatchObject({
      ok: false,
      error: { detail: 'contexts[0] (x): context.cluster is missing' },
    });
    expect(bad('clusters: {a: 1}\n')).toMatchObject({
      error: { detail: 'clusters: expected a list' },
    });
  });

  it('takes KUBECONFIG as a list, else ~/.kube/config', () => {
    expect(kubeconfigPaths({ KUBECONFIG: '/a:/b::/c', HOME: '/h' })).toEqual(['/a', '/b', '/c']);
    expect(kubeconfigPaths({ HOME: '/h' })).toEqual(['/h/.kube/config']);
    expect(kubeconfigPaths({ KUBECONFIG: '', HOME: '/h' })).toEqual(['/h/.kube/config']);
  });
});

describe('chooseContext', () => {
  const c = config(KIND);

  it('accepts a kind cluster on loopback and names the kind cluster', () => {
    const chosen = chooseContext(c, 'kind-time-cop', undefined);
    expect(chosen.ok && chosen.value.kindCluster).toBe('time-cop');
    expect(chosen.ok && chosen.value.cluster.server).toBe('https://127.0.0.1:40123');
  });

  it('refuses the current context when it is not kind, and says why', () => {
    expect(chooseContext(c, undefined, undefined)).toEqual({
      ok: false,
      error: {
        reason: 'context-refused',
        context: 'prod',
        server: 'https://prod.example.com:6443',
        why: "its API server is not on this machine's loopback, so it is not a local cluster",
      },
    });
  });

  it('refuses a kind-named context whose server is elsewhere, and local clusters of other kinds', () => {
    const faraway = chooseContext(c, 'kind-faraway', undefined);
    expect(!faraway.ok && faraway.error.reason === 'context-refused' && faraway.error.why).toMatch(
      /named like a kind cluster, but its API server is not on this machine's loopback/,
    );
    expect(chooseContext(c, 'docker-desktop', undefined)).toMatchObject({
      ok: false,
      error: {
        reason: 'context-refused',
        why: 'its name is not kind-<cluster>, so it is not a kind cluster, and no containerd socket is known for it (--containerd)',
      },
    });
  });

  it('accepts a loopback cluster as a containerd cluster when its socket is known', () => {
    expect(chooseContext(c, 'docker-desktop', undefined, '/tmp/k/containerd.sock')).toMatchObject({
      ok: true,
      value: { kindCluster: undefined, containerd: '/tmp/k/containerd.sock' },
    });
    // From the kubeconfig, as the cluster's setup writes it; --containerd still wins.
    const local = config(`clusters:
- name: devenv-local
  cluster:
    server: https://127.0.0.1:6443
    extensions:
    - name: devenv.dev/containerd
      extension: {address: /tmp/k/run/containerd.sock}
contexts:
- name: devenv-local
  context: {cluster: devenv-local, user: admin}
`);
    expect(chooseContext(local, 'devenv-local', undefined)).toMatchObject({
      ok: true,
      value: { containerd: '/tmp/k/run/containerd.sock' },
    });
    expect(chooseContext(local, 'devenv-local', undefined, '/other.sock')).toMatchObject({
      value: { containerd: '/other.sock' },
    });
    // A socket given for kind: the user said where the images go.
    expect(chooseContext(c, 'kind-time-cop', undefined, '/k.sock')).toMatchObject({
      value: { kindCluster: undefined, containerd: '/k.sock' },
    });
  });

  it('refuses a containerd socket for a cluster elsewhere, or one that is no local path', () => {
    expect(chooseContext(c, 'prod', undefined, '/tmp/k/containerd.sock')).toMatchObject({
      ok: false,
      error: { reason: 'context-refused', why: expect.stringMatching(/not on this machine/) },
    });
    // An API server on an address of this machine's own interfaces (a cluster bridge) is local.
    const bridge = config(
      'clusters:\n- name: b\n  cluster: {server: "https://10.244.0.1:6443"}\ncontexts:\n- name: b\n  context: {cluster: b}\n',
    );
    expect(chooseContext(bridge, 'b', undefined, '/c.sock', new Set(['10.244.0.1']))).toMatchObject(
      {
        ok: true,
        value: { containerd: '/c.sock' },
      },
    );
    expect(chooseContext(bridge, 'b', undefined, '/c.sock', new Set(['10.0.0.9'])).ok).toBe(false);
    // Without a containerd socket a bridge address is not enough: kind lives on loopback.
    expect(chooseContext(bridge, 'b', undefined, undefined, new Set(['10.244.0.1'])).ok).toBe(
      false,
    );
    expect(chooseContext(c, 'docker-desktop', undefined, 'tcp://10.0.0.1:1')).toMatchObject({
      ok: false,
      error: {
        why: 'its containerd address tcp://10.0.0.1:1 is not an absolute unix socket path on this machine',
      },
    });
  });

  it('accepts a non-kind context only when --allow-context names it exactly', () => {
    expect(chooseContext(c, 'prod', 'prod')).toMatchObject({
      ok: true,
      value: { kindCluster: undefined },
    });
    expect(chooseContext(c, 'prod', 'Prod').ok).toBe(false);
    expect(chooseContext(c, 'prod', 'kind-time-cop').ok).toBe(false);
    expect(chooseContext(c, undefined, 'prod')).toMatchObject({
      ok: true,
      value: { context: { name: 'prod' } },
    });
  });

  it('lists the known contexts when the chosen one does not exist', () => {
    expect(chooseContext(c, 'kind-nope', undefined)).toEqual({
      ok: false,
      error: {
        reason: 'context-not-found',
        context: 'kind-nope',
        known: ['dangling', 'docker-desktop', 'kind-faraway', 'kind-time-cop', 'prod'],
        files: ['/home/u/.kube/c0'],
      },
    });
    expect(chooseContext(config('contexts: []'), undefined, undefined)).toEqual({
      ok: false,
      error: { reason: 'no-context-chosen', known: [] },
    });
    expect(chooseContext(c, 'dangling', 'dangling')).toMatchObject({
      ok: false,
      error: { reason: 'context-incomplete', missing: 'cluster "nowhere"' },
    });
  });

  it('knows loopback addresses and kind context names', () => {
    for (const server of [
      'https://127.0.0.1:1',
      'https://127.5.0.1',
      'https://localhost:6443',
      'https://[::1]:6443',
    ])
      expect(isLoopbackServer(server), server).toBe(true);
    for (const server of [
      'https://10.0.0.1',
      'https://127.0.0.1.nip.io',
      'https://localhost.example.com',
      'not a url',
      'https://[::2]',
    ])
      expect(isLoopbackServer(server), server).toBe(false);
    expect(kindClusterName('kind-a')).toBe('a');
    expect(kindClusterName('kind-')).toBeUndefined();
    expect(kindClusterName('kindness')).toBeUndefined();
  });
});
