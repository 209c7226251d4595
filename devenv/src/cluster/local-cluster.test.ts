import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  leaseTestCluster,
  stopTestClusterWhenUnused,
  type TestCluster,
} from '../../test/local-cluster.js';
import { waitUntil } from '../../test/wait-until.js';
import { buildOciImage } from './oci-image.js';
import { NODE_NAME } from './layout.js';

/**
 * A real cluster (devenv/test/local-cluster.ts: host processes here, kind with
 * DEVENV_TEST_CLUSTER=kind): pods run a locally built image, reach each other through a Service
 * by its DNS name, and kubectl logs/exec work through the kubelet.
 */
const APP_IMAGE = 'devenv.local/cluster-test-web:1';
const APPLETS = ['sh', 'httpd', 'hostname', 'nc', 'printf', 'nslookup', 'sleep', 'mkdir', 'echo'];

let cluster: TestCluster;
let work: string;

beforeAll(async () => {
  cluster = await leaseTestCluster((line) => process.stderr.write(`cluster: ${line}\n`));
  work = await mkdtemp(join(tmpdir(), 'cluster-test-'));
  // busybox's httpd serving the pod's hostname: two replicas answer differently.
  const image = await buildOciImage(
    {
      name: APP_IMAGE,
      files: { 'bin/busybox': '/bin/busybox' },
      links: Object.fromEntries(APPLETS.map((a) => [`bin/${a}`, 'busybox'])),
      entrypoint: [
        '/bin/sh',
        '-c',
        'mkdir -p /www && hostname > /www/index.html && echo "serving $(hostname) on 8080" && exec httpd -f -p 8080 -h /www',
      ],
    },
    work,
  );
  if (!image.ok) throw new Error(image.error);
  await cluster.importImage(image.value);
  await apply(manifests());
}, 600_000);

afterAll(async () => {
  await cluster?.kubectl([
    'delete',
    'deployment/web',
    'service/web',
    'service/nowhere',
    'pod/client',
    '--wait=false',
  ]);
  await cluster?.release();
  if (work) await rm(work, { recursive: true, force: true });
});

async function apply(yaml: string): Promise<void> {
  const applied = await cluster.kubectl(['apply', '-f', '-'], yaml);
  if (!applied.ok) throw new Error(applied.error);
}

async function kubectl(...args: string[]): Promise<string> {
  const result = await cluster.kubectl(args);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

function manifests(): string {
  const labels = { app: 'web' };
  const container = { image: APP_IMAGE, imagePullPolicy: 'Never' };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: 'web',
                ...container,
                ports: [{ containerPort: 8080 }],
                readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: labels, ports: [{ port: 8080, targetPort: 8080 }] },
    },
    {
      // Selects no pod: it never has an endpoint.
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'nowhere', namespace: 'default' },
      spec: { selector: { app: 'nowhere' }, ports: [{ port: 7233, targetPort: 7233 }] },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'client', namespace: 'default' },
      spec: { containers: [{ name: 'client', ...container, command: ['/bin/sleep', '3600'] }] },
    },
  ]
    .map((doc) => stringify(doc))
    .join('---\n');
}

describe('the test cluster', () => {
  it('has a Ready node', async () => {
    const ready = await kubectl(
      'get',
      'nodes',
      '-o',
      'jsonpath={.items[*].status.conditions[?(@.type=="Ready")].status}',
    );
    expect(ready.split(' ')).not.toContain('False');
    if (cluster.kind === 'local') {
      expect(
        await kubectl('get', 'node', NODE_NAME, '-o', 'jsonpath={.status.nodeInfo.kubeletVersion}'),
      ).toBe('v1.34.4');
    }
  });

  it('runs a 2-replica Deployment of a locally built image until its readiness probes pass', async () => {
    await kubectl('rollout', 'status', 'deployment/web', '--timeout=120s');
    const ready = await kubectl(
      'get',
      'deployment',
      'web',
      '-o',
      'jsonpath={.status.readyReplicas}',
    );
    expect(ready).toBe('2');
  }, 150_000);

  it('resolves the Service by its DNS name and answers from both replicas through it', async () => {
    await kubectl('wait', '--for=condition=Ready', 'pod/client', '--timeout=60s');
    const resolved = await kubectl(
      'exec',
      'client',
      '--',
      'nslookup',
      'web.default.svc.cluster.local',
    );
    const clusterIp = await kubectl('get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP}');
    expect(resolved).toContain(clusterIp);
    const pods = (
      await kubectl('get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].metadata.name}')
    ).split(' ');
    const seen = new Set<string>();
    // By address, with nc: static busybox's wget crashes in glibc's NSS (no libnss in the
    // image); nslookup above has its own resolver.
    const request = `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc ${clusterIp} 8080`;
    await waitUntil('both replicas answered through the Service', 60_000, async () => {
      const response = await kubectl('exec', 'client', '--', 'sh', '-c', request);
      const body = response.slice(response.indexOf('\r\n\r\n') + 4);
      seen.add(body.trim());
      return pods.every((pod) => seen.has(pod)) ? true : undefined;
    });
    expect([...seen].sort()).toEqual([...pods].sort());
  }, 150_000);

  it('refuses a connection from a pod to a Service with no endpoint at once (no SYN_SENT hang)', async () => {
    await kubectl('wait', '--for=condition=Ready', 'pod/client', '--timeout=60s');
    const clusterIp = await kubectl(
      'get',
      'service',
      'nowhere',
      '-o',
      'jsonpath={.spec.clusterIP}',
    );
    // nc's own bound: a refusal is immediate; a dropped or off-machine SYN reports "timed out".
    const outcome = await kubectl(
      'exec',
      'client',
      '--',
      'sh',
      '-c',
      `nc -w 10 ${clusterIp} 7233 </dev/null 2>&1; echo "exit $?"`,
    );
    expect(outcome).toContain('Connection refused');
    expect(outcome).not.toContain('exit 0');
  }, 90_000);

  it('serves kubectl logs and exec through the kubelet', async () => {
    const pod = (
      await kubectl('get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}')
    ).trim();
    expect(await kubectl('logs', pod)).toContain(`serving ${pod} on 8080`);
    expect((await kubectl('exec', pod, '--', 'hostname')).trim()).toBe(pod);
  }, 60_000);
});

describe('the test cluster teardown', () => {
  it('stops every process and leaves nothing on the host (sysctls, iptables, links, netns, cgroups, mounts, paths)', async () => {
    await cluster.kubectl([
      'delete',
      'deployment/web',
      'service/web',
      'service/nowhere',
      'pod/client',
      '--wait=false',
    ]);
    await cluster.release();
    // Other test files may hold the cluster: it is stopped once they are done with it. Another
    // test run's teardown may have stopped it already: then a fresh one is started and stopped.
    const log = (line: string) => process.stderr.write(`cluster: ${line}\n`);
    const report = await waitUntil(
      'the test cluster stopped by this test',
      900_000,
      async () => {
        const stopped = await stopTestClusterWhenUnused(log);
        if (stopped === 'in-use') return undefined;
        if (stopped === undefined) await (await leaseTestCluster(log)).release();
        return stopped;
      },
      { intervalMs: 2000 },
    );
    expect(report.leftovers).toEqual([]);
  }, 960_000);
});
