import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../devenv/src/process/run-command.js';
import { PROJECT_ROOT } from '../../devenv/src/project-root.js';
import { describeToolFailure } from '../../devenv/src/toolchain/resolve.js';
import { createToolchain } from '../../devenv/src/toolchain/toolchain.js';
import { requireDockerEngine } from '../../devenv/test/docker-engine.js';
import { leaseTestCluster, type TestCluster } from '../../devenv/test/local-cluster.js';
import { loadProjectVersions } from '../../devenv/test/project-versions.js';
import { buildOfflineImages, isReady, promoteTarget, workloadPods } from './promote-rig.js';
import { freePort } from '../../devenv/src/process/free-port.js';

/**
 * `tilt ci` with the project's Tiltfile against the test lease's cluster (the local containerd
 * cluster: images built by docker and imported with `ctr`; kind with DEVENV_TEST_CLUSTER=kind),
 * in a namespace of its own and without port forwards (the native stack's ports may be in use by
 * other tests). Every resource must become ready: `tilt ci` exits 0.
 */
const NAMESPACE = `tilt-ci-${process.pid}`;
/** Three image builds, ~2 GB imported into containerd, Temporal and Postgres starting: minutes. */
const TILT_CI_MS = 30 * 60_000;
const TILTFILE_VALUES = [
  'values-kind.yaml',
  'values-self-contained.yaml',
  'values-offline.yaml',
].map((file) => join(PROJECT_ROOT, 'k8s', 'charts', 'time-cop', file));
const log = (line: string) => process.stderr.write(`tilt-ci: ${line}\n`);

let cluster: TestCluster | undefined;
let tilt: string;
let env: NodeJS.ProcessEnv;
/** `--context … -f Tiltfile -- <the Tiltfile's own args>`: what `tilt ci` and `tilt down` share. */
let tiltArgs: string[];

beforeAll(async () => {
  await requireDockerEngine();
  const toolchain = createToolchain({
    projectRoot: PROJECT_ROOT,
    versions: await loadProjectVersions(),
  });
  const [found, helm] = await Promise.all([toolchain.ensure('tilt'), toolchain.ensure('helm')]);
  if (!found.ok) throw new Error(`tilt: ${describeToolFailure(found.error)}`);
  if (!helm.ok) throw new Error(`helm: ${describeToolFailure(helm.error)}`);
  tilt = found.value.path;
  cluster = await leaseTestCluster(log);
  const target = await promoteTarget(cluster);
  await buildOfflineImages();
  // The Tiltfile reads the containerd socket from the same variable `devenv promote` reads.
  const socket = target.containerdArgs[1];
  env = { ...target.env, ...(socket === undefined ? {} : { DEVENV_CONTAINERD_ADDRESS: socket }) };
  tiltArgs = [
    '--context',
    target.context,
    '-f',
    'Tiltfile',
    '--',
    '--namespace',
    NAMESPACE,
    '--no-port-forwards',
    // The Tiltfile's defaults for a containerd cluster, then the test's own (tilt-ci-values.yaml).
    ...[...TILTFILE_VALUES, join(PROJECT_ROOT, 'k8s', 'test', 'tilt-ci-values.yaml')].flatMap(
      (file) => ['--values', file],
    ),
  ];
}, 40 * 60_000);

afterAll(async () => {
  if (cluster === undefined) return;
  const downed = await runCommand(tilt, ['down', ...tiltArgs], {
    cwd: PROJECT_ROOT,
    env,
    timeoutMs: 5 * 60_000,
  });
  if (downed.code !== 0) log(`tilt down failed: ${downed.tail}`);
  await cluster.kubectl(['delete', 'namespace', NAMESPACE, '--wait=true', '--timeout=180s']);
  await cluster.release();
  // The Tiltfile's ref files and the tags they name (Tilt's image reaper knows only its own tags).
  const refs = join(PROJECT_ROOT, '.devenv', 'tilt', NAMESPACE);
  const files = await readdir(refs).catch(() => []);
  for (const file of files.filter((f) => f.endsWith('.ref'))) {
    const ref = (await readFile(join(refs, file), 'utf8')).trim();
    await runCommand('docker', ['image', 'rm', ref], { timeoutMs: 60_000 });
  }
  await rm(refs, { recursive: true, force: true });
}, 10 * 60_000);

describe('tilt ci on a real cluster', () => {
  it(
    'builds the three images, deploys the chart and every resource becomes ready',
    async () => {
      let output = '';
      // Its own HTTP port: another Tilt may hold the default 10350.
      const port = String(await freePort());
      const ci = ['ci', '--timeout', '25m', '--port', port, ...tiltArgs];
      const outcome = await runCommand(tilt, ci, {
        cwd: PROJECT_ROOT,
        env,
        timeoutMs: TILT_CI_MS,
        onOutput: (chunk) => {
          output += chunk;
        },
      });
      expect(outcome.code, output.slice(-20_000)).toBe(0);

      // The pods are Tilt's builds (a tilt-<hash> tag, not the :dev images promote deploys).
      const listed = await cluster!.kubectl(['get', 'pods', '-n', NAMESPACE, '-o', 'json']);
      if (!listed.ok) throw new Error(listed.error);
      const pods = workloadPods(listed.value);
      expect(pods.filter((pod) => !isReady(pod)).map((pod) => pod.metadata.name)).toEqual([]);
      const images = pods.flatMap((pod) => pod.status.containerStatuses ?? []).map((c) => c.image);
      for (const app of ['dispatcher', 'worker-typescript', 'worker-python'])
        expect(
          images.some((image) => image.includes(`time-cop/${app}:tilt-`)),
          app,
        ).toBe(true);
    },
    TILT_CI_MS + 60_000,
  );
});
