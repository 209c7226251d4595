import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDockerEngine } from '../../devenv/test/docker-engine.js';
import { leaseTestCluster, type TestCluster } from '../../devenv/test/local-cluster.js';
import {
  buildBrokenImage,
  buildOfflineImages,
  checkoutCopy,
  isReady,
  OFFLINE_VALUES,
  promote,
  promoteTarget,
  runningImageIds,
  workloadPods,
  type PromoteTarget,
} from './promote-rig.js';

/**
 * `devenv promote` end to end on a real cluster: the test lease's local cluster (Kubernetes
 * components, containerd and runc as host processes; devenv/test/local-cluster.ts), or kind with
 * DEVENV_TEST_CLUSTER=kind. The chart with the self-contained values runs Temporal, Postgres and
 * Prometheus in the release; every image is built on this machine and loaded by promote.
 */
const NAMESPACE = `promote-e2e-${process.pid}`;
const APP_IMAGES = [
  'time-cop/dispatcher:dev',
  'time-cop/worker-python:dev',
  'time-cop/worker-typescript:dev',
];
const BROKEN = `devenv-e2e-broken:${process.pid}`;
/** A promote builds, imports ~2 GB of images and waits for helm: minutes on 2 shared cores. */
const PROMOTE_MS = 20 * 60_000;
const log = (line: string) => process.stderr.write(`cluster-e2e: ${line}\n`);

let docker: Dockerode;
let cluster: TestCluster | undefined;
let target: PromoteTarget;
let scratch: string;

beforeAll(async () => {
  docker = await requireDockerEngine();
  scratch = await mkdtemp(join(tmpdir(), 'devenv-promote-e2e-'));
  cluster = await leaseTestCluster(log);
  target = await promoteTarget(cluster);
  await buildOfflineImages();
  await mkdir(join(scratch, 'broken'));
  await buildBrokenImage(docker, BROKEN, join(scratch, 'broken'));
}, 40 * 60_000);

afterAll(async () => {
  if (cluster !== undefined) {
    await cluster.kubectl(['delete', 'namespace', NAMESPACE, '--wait=true', '--timeout=180s']);
    await cluster.release();
  }
  await docker
    ?.getImage(BROKEN)
    .remove()
    .catch(() => undefined);
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
}, 5 * 60_000);

async function pods() {
  const listed = await cluster!.kubectl(['get', 'pods', '--namespace', NAMESPACE, '-o', 'json']);
  if (!listed.ok) throw new Error(listed.error);
  return workloadPods(listed.value);
}

describe('devenv promote on a real cluster', () => {
  it(
    'installs the chart: every pod Ready, helm test passes, the pods run the Docker images',
    async () => {
      const outcome = await promote(
        target,
        NAMESPACE,
        [...OFFLINE_VALUES, '--timeout', '10m'],
        (c) => process.stderr.write(c),
      );
      expect(outcome.code, outcome.tail).toBe(0);
      expect(outcome.output).toContain('its tests passed');
      expect(outcome.output).toMatch(/Phase:\s+Succeeded/);

      const running = await pods();
      expect(running.filter((pod) => !isReady(pod)).map((pod) => pod.metadata.name)).toEqual([]);
      expect(running.length).toBeGreaterThanOrEqual(5);
      // Same images, same digests: each pod runs an image config the Docker Engine holds, built
      // for that service (other runs on this machine may move the :dev tags meanwhile).
      const ids = runningImageIds(running);
      for (const image of [
        ...APP_IMAGES,
        'time-cop/temporal-cli:1.9.1',
        'time-cop/postgres-debian:15',
      ]) {
        const [id, ...others] = [...(ids.get(image) ?? [])];
        expect(others, image).toEqual([]);
        const built = await docker.getImage(id ?? 'none').inspect();
        expect(built.Id, image).toBe(id);
        const service = image.split('/')[1]?.split(':')[0] ?? '';
        if (APP_IMAGES.includes(image))
          expect(built.Config.Labels?.['dev.devenv.service'], image).toBe(service);
      }
    },
    PROMOTE_MS,
  );

  it(
    'rolls the Deployments after a code change, never with an unavailable replica',
    async () => {
      const before = runningImageIds(await pods()).get('time-cop/dispatcher:dev');
      const copy = await checkoutCopy(join(scratch, 'checkout'));
      await appendFile(
        join(copy, 'dispatcher', 'src', 'ids.ts'),
        `\n// promote e2e ${Date.now()}: a code change\n`,
      );
      let worstUnavailable = 0;
      let watching = true;
      const watch = (async () => {
        while (watching) {
          const listed = await cluster!.kubectl([
            'get',
            'deployments',
            '-n',
            NAMESPACE,
            '-o',
            'json',
          ]);
          if (listed.ok)
            for (const d of (JSON.parse(listed.value) as DeploymentList).items)
              if (
                d.metadata.labels?.['app.kubernetes.io/part-of'] === 'time-cop' &&
                d.spec.strategy.type === 'RollingUpdate'
              )
                // unavailableReplicas counts the surge pod still starting; what matters is that
                // the available ones never drop below the desired count.
                worstUnavailable = Math.max(
                  worstUnavailable,
                  d.spec.replicas - (d.status.availableReplicas ?? 0),
                );
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      })();
      const outcome = await promote(
        { ...target, bin: join(copy, 'devenv', 'bin', 'devenv.js') },
        NAMESPACE,
        [...OFFLINE_VALUES, '--timeout', '10m'],
      );
      watching = false;
      await watch;
      expect(outcome.code, outcome.tail).toBe(0);
      // A new image (the copy's build, which the Engine holds), not the one before.
      const [rebuilt, ...others] = [
        ...(runningImageIds(await pods()).get('time-cop/dispatcher:dev') ?? []),
      ];
      expect(others).toEqual([]);
      expect((await docker.getImage(rebuilt ?? 'none').inspect()).Id).toBe(rebuilt);
      expect([...(before ?? [])]).not.toContain(rebuilt);
      expect(worstUnavailable).toBe(0);
    },
    PROMOTE_MS,
  );

  it(
    'rolls back a release whose pods never become Ready, showing their events and logs',
    async () => {
      const values = join(scratch, 'broken.yaml');
      const [repository, tag] = BROKEN.split(':');
      await writeFile(values, `dispatcher:\n  image: {repository: ${repository}, tag: '${tag}'}\n`);
      const revisionBefore = await helmRevision();
      const outcome = await promote(target, NAMESPACE, [
        ...OFFLINE_VALUES,
        '--values',
        values,
        '--timeout',
        '3m',
      ]);
      expect(outcome.code).toBe(1);
      expect(outcome.output).toMatch(/failed and was rolled back/);
      // The troubled pods as promote last saw them while helm waited: their events and logs.
      expect(outcome.output).toMatch(/before the rollback/);
      expect(outcome.output).toMatch(/events:\n/);
      expect(outcome.output).toMatch(/logs of /);
      // helm put the previous revision back: every pod Ready on the images of before.
      const running = await pods();
      expect(running.filter((pod) => !isReady(pod)).map((pod) => pod.metadata.name)).toEqual([]);
      expect(runningImageIds(running).has(BROKEN)).toBe(false);
      expect(await helmRevision()).toBeGreaterThan(revisionBefore);
    },
    PROMOTE_MS,
  );

  it('refuses an image it cannot load, before anything is applied', async () => {
    const values = join(scratch, 'absent.yaml');
    await writeFile(values, `dispatcher:\n  image: {repository: devenv-e2e-absent, tag: nope}\n`);
    const revisionBefore = await helmRevision();
    const outcome = await promote(target, NAMESPACE, [...OFFLINE_VALUES, '--values', values]);
    expect(outcome.code).toBe(1);
    expect(outcome.output).toContain('devenv-e2e-absent:nope');
    expect(await helmRevision()).toBe(revisionBefore);
  });
});

interface DeploymentList {
  items: {
    metadata: { name: string; labels?: Record<string, string> };
    spec: { replicas: number; strategy: { type: string } };
    status: { availableReplicas?: number };
  }[];
}

/** The newest revision helm recorded for the release (its release Secrets), 0 for none. */
async function helmRevision(): Promise<number> {
  const listed = await cluster!.kubectl([
    'get',
    'secrets',
    '-n',
    NAMESPACE,
    '-l',
    'owner=helm,name=time-cop',
    '-o',
    'jsonpath={.items[*].metadata.labels.version}',
  ]);
  if (!listed.ok) throw new Error(listed.error);
  return Math.max(0, ...listed.value.split(/\s+/).filter(Boolean).map(Number));
}
