import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type Dockerode from 'dockerode';
import { clusterLayout } from '../../devenv/src/cluster/layout.js';
import { runCommand, type CommandOutcome } from '../../devenv/src/process/run-command.js';
import { PROJECT_ROOT } from '../../devenv/src/project-root.js';
import { DEVENV_BIN } from '../../devenv/test/devenv-process.js';
import type { TestCluster } from '../../devenv/test/local-cluster.js';

/** The end-to-end promote tests' view of the leased cluster: how `devenv promote` reaches it. */
export interface PromoteTarget {
  readonly context: string;
  /** `--containerd SOCKET` for the local cluster; none for kind (`kind load`). */
  readonly containerdArgs: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Another checkout's devenv (a code change of the test's own); default this one's. */
  readonly bin?: string;
}

const CHART = join(PROJECT_ROOT, 'k8s', 'charts', 'time-cop');
/** kind's values, Temporal/Postgres/Prometheus in the release, and their images built here. */
export const OFFLINE_VALUES = [
  'values-kind.yaml',
  'values-self-contained.yaml',
  'values-offline.yaml',
]
  .map((file) => join(CHART, file))
  .flatMap((file) => ['--values', file]);

/** The test lease records the local cluster's state directory here (devenv/test/local-cluster.ts). */
const CURRENT_CLUSTER = '/tmp/devenv-test-cluster/current';

export async function promoteTarget(cluster: TestCluster): Promise<PromoteTarget> {
  const env = { ...process.env, KUBECONFIG: cluster.kubeconfig };
  if (cluster.kind === 'kind') return { context: 'kind-devenv-test', containerdArgs: [], env };
  const stateDir = (await readFile(CURRENT_CLUSTER, 'utf8')).trim();
  return {
    context: 'devenv-local',
    containerdArgs: ['--containerd', clusterLayout(stateDir).containerdSocket],
    env,
  };
}

/** `devenv promote` as a user runs it, with the test's cluster and namespace; all its output. */
export async function promote(
  target: PromoteTarget,
  namespace: string,
  extra: readonly string[],
  onOutput?: (chunk: string) => void,
  signal?: AbortSignal,
): Promise<CommandOutcome & { output: string }> {
  let output = '';
  const outcome = await runCommand(
    target.bin ?? DEVENV_BIN,
    [
      'promote',
      '--context',
      target.context,
      ...target.containerdArgs,
      '--namespace',
      namespace,
      ...extra,
    ],
    {
      env: target.env,
      timeoutMs: 25 * 60_000,
      signal,
      onOutput: (chunk) => {
        output += chunk;
        onOutput?.(chunk);
      },
    },
  );
  return { ...outcome, output };
}

/**
 * The images the offline values run besides the app images (the Temporal CLI image, Postgres
 * from Debian), built as the docker runtime's offline stack builds them.
 */
export async function buildOfflineImages(): Promise<void> {
  const bootstrap = await runCommand(DEVENV_BIN, ['images', 'bootstrap'], {
    timeoutMs: 15 * 60_000,
  });
  if (bootstrap.code !== 0) throw new Error(`devenv images bootstrap failed: ${bootstrap.tail}`);
  for (const [tag, dockerfile] of [
    ['time-cop/postgres-debian:15', 'compose/images/postgres/Dockerfile'],
  ] as const) {
    const built = await runCommand(
      'docker',
      [
        'build',
        '-q',
        '-t',
        tag,
        '--build-arg',
        'DEBIAN_IMAGE=time-cop/base-debian:bookworm',
        '-f',
        dockerfile,
        '.',
      ],
      { cwd: PROJECT_ROOT, timeoutMs: 10 * 60_000 },
    );
    if (built.code !== 0) throw new Error(`docker build ${tag} failed: ${built.tail}`);
  }
}

/** An image that starts, says so, and exits 3: a release whose pods never become Ready. */
export async function buildBrokenImage(docker: Dockerode, tag: string, dir: string) {
  const { copyFile, writeFile } = await import('node:fs/promises');
  await copyFile('/bin/busybox', join(dir, 'busybox'));
  await writeFile(
    join(dir, 'Dockerfile'),
    'FROM scratch\nCOPY busybox /bin/busybox\nCMD ["/bin/busybox", "sh", "-c", "echo broken-on-purpose >&2; exit 3"]\n',
  );
  const stream = await docker.buildImage(
    { context: dir, src: ['Dockerfile', 'busybox'] },
    { t: tag },
  );
  await new Promise((resolve, reject) =>
    docker.modem.followProgress(stream, (error) => (error ? reject(error) : resolve(undefined))),
  );
}

interface PodJson {
  metadata: { name: string; labels?: Record<string, string> };
  status: {
    phase: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: { name: string; image: string; imageID: string; ready: boolean }[];
  };
}

/** The release's pods (test pods excluded) from `kubectl get pods -o json`. */
export function workloadPods(json: string): PodJson[] {
  return (JSON.parse(json) as { items: PodJson[] }).items.filter(
    (pod) => pod.status.phase !== 'Succeeded' && pod.status.phase !== 'Failed',
  );
}

export function isReady(pod: PodJson): boolean {
  return pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

/** image → the image ID each running container reports (`sha256:…`, the digest part of a ref). */
export function runningImageIds(pods: readonly PodJson[]): Map<string, Set<string>> {
  const ids = new Map<string, Set<string>>();
  for (const pod of pods)
    for (const c of pod.status.containerStatuses ?? []) {
      const image = c.image.replace(/^docker\.io\/(library\/)?/, '');
      const id = c.imageID.slice(c.imageID.lastIndexOf('sha256:'));
      ids.set(image, (ids.get(image) ?? new Set()).add(id));
    }
  return ids;
}

/** The chart's own Deployments, which a promote or an annotation change rolls. */
export const APP_DEPLOYMENTS = [
  'time-cop-dispatcher',
  'time-cop-worker-python',
  'time-cop-worker-typescript',
];

interface DeploymentJson {
  metadata: { name: string; generation: number };
  spec: { replicas: number };
  status: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
  };
}

/** name → metadata.generation of the app Deployments, from `kubectl get deployments -o json`. */
export function appGenerations(json: string): Map<string, number> {
  const items = (JSON.parse(json) as { items: DeploymentJson[] }).items;
  return new Map(
    items
      .filter((d) => APP_DEPLOYMENTS.includes(d.metadata.name))
      .map((d) => [d.metadata.name, d.metadata.generation]),
  );
}

/**
 * Each of the `names` app Deployments (all by default) has a newer spec than `before` and has
 * rolled it out: all its replicas are new and available, and no old one is left (what
 * `kubectl rollout status` waits for).
 */
export function appsRolledOut(
  json: string,
  before: ReadonlyMap<string, number>,
  names: readonly string[] = APP_DEPLOYMENTS,
): boolean {
  const items = (JSON.parse(json) as { items: DeploymentJson[] }).items.filter((d) =>
    names.includes(d.metadata.name),
  );
  return (
    items.length === names.length &&
    items.every(
      ({ metadata, spec, status }) =>
        metadata.generation > (before.get(metadata.name) ?? 0) &&
        (status.observedGeneration ?? 0) >= metadata.generation &&
        status.updatedReplicas === spec.replicas &&
        status.availableReplicas === spec.replicas &&
        status.replicas === spec.replicas,
    )
  );
}

/**
 * The committed project in a directory of its own, so a code change there cannot reach the
 * other work in this tree; its tools, node_modules and generated protos are the tree's, and so
 * are the cluster credentials (a new password would restart Postgres).
 */
export async function checkoutCopy(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const archive = join(dir, '..', 'checkout.tar');
  await promisify(execFile)('git', ['archive', '--output', archive, 'HEAD'], { cwd: PROJECT_ROOT });
  await promisify(execFile)('tar', ['-xf', archive, '-C', dir]);
  await symlink(join(PROJECT_ROOT, 'node_modules'), join(dir, 'node_modules'));
  await symlink(join(PROJECT_ROOT, 'protos', 'gen'), join(dir, 'protos', 'gen'));
  await mkdir(join(dir, '.devenv', 'k8s'), { recursive: true });
  await symlink(join(PROJECT_ROOT, '.devenv', 'tools'), join(dir, '.devenv', 'tools'));
  await copyFile(
    join(PROJECT_ROOT, '.devenv', 'k8s', 'credentials.yaml'),
    join(dir, '.devenv', 'k8s', 'credentials.yaml'),
  );
  return dir;
}
