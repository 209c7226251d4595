import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { importTarball } from '../src/cluster/cluster-images.js';
import { ensureClusterBinaries } from '../src/cluster/cluster-tools.js';
import { kubectlFor, type Kubectl } from '../src/cluster/kubectl.js';
import { clusterLayout } from '../src/cluster/layout.js';
import { startLocalCluster } from '../src/cluster/local-cluster.js';
import { stopLocalCluster, type StopReport } from '../src/cluster/stop-cluster.js';
import { PROJECT_ROOT } from '../src/project-root.js';
import { runCommand } from '../src/process/run-command.js';
import { createToolchain } from '../src/toolchain/toolchain.js';
import { loadProjectVersions } from './project-versions.js';
import { withDirLock } from './dir-lock.js';
import { identityRuns, processIdentity } from './process-identity.js';

/**
 * The Kubernetes cluster the end-to-end tests deploy to. Test files lease it; the first lease
 * starts it (about a minute), later ones share it, and the test run's global teardown stops it
 * once no lease is held. `DEVENV_TEST_CLUSTER=kind` uses a kind cluster instead (the default
 * where kind runs; on these machines it cannot: docs/kubernetes.md); otherwise a local cluster
 * of host processes (devenv/src/cluster/).
 */
export interface TestCluster {
  readonly kind: 'local' | 'kind';
  readonly kubeconfig: string;
  readonly kubectlPath: string;
  readonly kubectl: Kubectl;
  /** Makes an image tarball (`docker save` or OCI layout) available to the cluster's pods. */
  importImage(tarball: string): Promise<void>;
  /** Ends this lease; the cluster stays for other leases until the run's teardown. */
  release(): Promise<void>;
}

const STATE_DIR = '/tmp/devenv-test-cluster';
const LOCK_DIR = `${STATE_DIR}/lock`;
const USERS_DIR = `${STATE_DIR}/users`;
const CURRENT_FILE = `${STATE_DIR}/current`;
const KIND_NAME = 'devenv-test';
const LOCK_TIMEOUT_MS = 15 * 60_000;

/**
 * `DEVENV_TEST_CLUSTER` when set (`kind` or `local`); otherwise the local cluster on Linux (its
 * components are Linux host processes) and kind elsewhere (a laptop with Docker Desktop).
 */
export function testClusterKind(): 'local' | 'kind' {
  const chosen = process.env['DEVENV_TEST_CLUSTER'];
  if (chosen === 'kind' || chosen === 'local') return chosen;
  return process.platform === 'linux' ? 'local' : 'kind';
}

export async function leaseTestCluster(
  log: (line: string) => void = () => {},
): Promise<TestCluster> {
  return withClusterLock(async () => {
    const user = `${process.pid}-${randomUUID()}`;
    await mkdir(USERS_DIR, { recursive: true });
    const cluster = testClusterKind() === 'kind' ? await kindCluster() : await localCluster(log);
    await writeFile(join(USERS_DIR, user), processIdentity());
    return { ...cluster, release: () => rm(join(USERS_DIR, user), { force: true }) };
  });
}

async function localCluster(log: (line: string) => void): Promise<Omit<TestCluster, 'release'>> {
  const binaries = await ensureClusterBinaries(
    createToolchain({
      projectRoot: PROJECT_ROOT,
      versions: await loadProjectVersions(),
      allowSystem: false,
      log,
    }),
  );
  if (!binaries.ok) throw new Error(binaries.error);
  let stateDir = (await readFile(CURRENT_FILE, 'utf8').catch(() => '')).trim();
  const kubectlPath = join(binaries.value.kubernetesBinDir, 'kubectl');
  const answers = async (dir: string) =>
    (
      await kubectlFor(
        kubectlPath,
        clusterLayout(dir).adminKubeconfig,
        10_000,
      )(['get', '--raw', '/readyz'])
    ).ok;
  if (stateDir !== '' && !(await answers(stateDir))) {
    log(`the local cluster in ${stateDir} does not answer; stopping what is left of it`);
    await stopLocalCluster(stateDir, log);
    stateDir = '';
  }
  if (stateDir === '') {
    stateDir = await mkdtemp('/tmp/devenv-cluster-');
    const started = await startLocalCluster(stateDir, binaries.value, log);
    if (!started.ok) throw new Error(`the local test cluster did not start: ${started.error}`);
    await writeFile(CURRENT_FILE, stateDir);
  }
  const layout = clusterLayout(stateDir);
  return {
    kind: 'local',
    kubeconfig: layout.adminKubeconfig,
    kubectlPath,
    kubectl: kubectlFor(kubectlPath, layout.adminKubeconfig),
    importImage: async (tarball) => {
      const imported = await importTarball(binaries.value.ctr, layout, tarball);
      if (!imported.ok) throw new Error(imported.error);
    },
  };
}

async function kindCluster(): Promise<Omit<TestCluster, 'release'>> {
  const kubeconfig = join(STATE_DIR, 'kind.kubeconfig');
  const listed = await runCommand('kind', ['get', 'clusters']);
  if (!listed.tail.split('\n').includes(KIND_NAME)) {
    const created = await runCommand(
      'kind',
      ['create', 'cluster', '--name', KIND_NAME, '--kubeconfig', kubeconfig, '--wait', '120s'],
      { timeoutMs: 300_000 },
    );
    if (created.code !== 0) throw new Error(`kind create cluster failed: ${created.tail}`);
    await writeFile(CURRENT_FILE, `kind:${KIND_NAME}`);
  }
  const exported = await runCommand('kind', [
    'export',
    'kubeconfig',
    '--name',
    KIND_NAME,
    '--kubeconfig',
    kubeconfig,
  ]);
  if (exported.code !== 0) throw new Error(`kind export kubeconfig failed: ${exported.tail}`);
  return {
    kind: 'kind',
    kubeconfig,
    kubectlPath: 'kubectl',
    kubectl: kubectlFor('kubectl', kubeconfig),
    importImage: async (tarball) => {
      const loaded = await runCommand(
        'kind',
        ['load', 'image-archive', tarball, '--name', KIND_NAME],
        { timeoutMs: 300_000 },
      );
      if (loaded.code !== 0) throw new Error(`kind load image-archive failed: ${loaded.tail}`);
    },
  };
}

/**
 * For the global teardown (and the teardown test): stops the test cluster when no lease of any
 * live process holds it; what was left on the host, or undefined when nothing was stopped.
 */
export async function stopTestClusterWhenUnused(
  log: (line: string) => void = () => {},
): Promise<StopReport | 'in-use' | undefined> {
  return withClusterLock(async () => {
    if ((await liveUsers()).length > 0) return 'in-use';
    const current = (await readFile(CURRENT_FILE, 'utf8').catch(() => '')).trim();
    if (current === '') return undefined;
    await rm(CURRENT_FILE, { force: true });
    if (current.startsWith('kind:')) {
      await runCommand('kind', ['delete', 'cluster', '--name', current.slice(5)], {
        timeoutMs: 300_000,
      });
      return { problems: [], leftovers: [] };
    }
    return stopLocalCluster(current, log);
  });
}

async function liveUsers(): Promise<string[]> {
  const users = await readdir(USERS_DIR).catch(() => []);
  const live: string[] = [];
  for (const user of users) {
    const holder = await readFile(join(USERS_DIR, user), 'utf8').catch(() => '');
    if (identityRuns(holder)) live.push(user);
    else await rm(join(USERS_DIR, user), { force: true });
  }
  return live;
}

/** One test process at a time starts, checks or stops the cluster; a dead holder's lock is taken over. */
async function withClusterLock<T>(action: () => Promise<T>): Promise<T> {
  await mkdir(STATE_DIR, { recursive: true });
  return withDirLock(LOCK_DIR, LOCK_TIMEOUT_MS, action);
}
