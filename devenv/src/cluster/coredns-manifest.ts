import { stringify } from 'yaml';
import { CLUSTER_NETWORK } from './layout.js';

const COREFILE = [
  '.:53 {',
  '    errors',
  '    health {',
  '        lameduck 1s',
  '    }',
  '    ready',
  `    kubernetes ${CLUSTER_NETWORK.clusterDomain} in-addr.arpa ip6.arpa {`,
  '        pods insecure',
  '        fallthrough in-addr.arpa ip6.arpa',
  '    }',
  '    cache 30',
  '    loop',
  '    reload',
  '}',
  '',
].join('\n');

/**
 * The cluster DNS: CoreDNS answering for the cluster domain (and reverse lookups of pod and
 * Service addresses) from the API. It forwards nothing: names outside the cluster get no answer,
 * so no query leaves the machine.
 */
export function renderCorednsManifests(image: string): string {
  const labels = { 'k8s-app': 'kube-dns' };
  const docs: object[] = [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'coredns', namespace: 'kube-system' },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'system:coredns' },
      rules: [
        {
          apiGroups: [''],
          resources: ['endpoints', 'services', 'pods', 'namespaces'],
          verbs: ['list', 'watch'],
        },
        {
          apiGroups: ['discovery.k8s.io'],
          resources: ['endpointslices'],
          verbs: ['list', 'watch'],
        },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'system:coredns' },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'system:coredns',
      },
      subjects: [{ kind: 'ServiceAccount', name: 'coredns', namespace: 'kube-system' }],
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'coredns', namespace: 'kube-system' },
      data: { Corefile: COREFILE },
    },
    corednsDeployment(image, labels),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kube-dns', namespace: 'kube-system', labels },
      spec: {
        selector: labels,
        clusterIP: CLUSTER_NETWORK.dnsServiceIp,
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, protocol: 'TCP' },
        ],
      },
    },
  ];
  return docs.map((doc) => stringify(doc)).join('---\n');
}

function corednsDeployment(image: string, labels: Record<string, string>): object {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'coredns', namespace: 'kube-system', labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: 'coredns',
          dnsPolicy: 'Default',
          containers: [
            {
              name: 'coredns',
              image,
              imagePullPolicy: 'Never',
              args: ['-conf', '/etc/coredns/Corefile'],
              volumeMounts: [{ name: 'config', mountPath: '/etc/coredns', readOnly: true }],
              ports: [
                { name: 'dns', containerPort: 53, protocol: 'UDP' },
                { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
              ],
              // Binding port 53 as a non-root user needs this one capability.
              securityContext: { capabilities: { add: ['NET_BIND_SERVICE'] } },
              readinessProbe: { httpGet: { path: '/ready', port: 8181 }, periodSeconds: 2 },
              livenessProbe: { httpGet: { path: '/health', port: 8080 }, periodSeconds: 10 },
            },
          ],
          volumes: [{ name: 'config', configMap: { name: 'coredns' } }],
        },
      },
    },
  };
}
