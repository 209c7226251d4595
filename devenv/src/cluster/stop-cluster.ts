import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCommand } from '../process/run-command.js';
import { K8S_NAMESPACE } from './cluster-images.js';
import {
  isRunning,
  recordedProcesses,
  stopProcess,
  type RecordedProcess,
} from './component-processes.js';
import { cleanUpHost } from './host-cleanup.js';
import { leftovers, type HostSnapshot } from './host-state.js';
import { kubectlFor } from './kubectl.js';
import { clusterLayout, type ClusterLayout } from './layout.js';
import type { ClusterBinaries } from './local-cluster.js';
import type { ComponentName } from './render-flags.js';

export interface StopReport {
  /** Problems met on the way (each step ran regardless). */
  readonly problems: readonly string[];
  /** What is still different on the host from before the start; empty when all was undone. */
  readonly leftovers: readonly string[];
}

const GRACE_MS = 15_000;
const PODS_GONE_TIMEOUT_MS = 60_000;

/**
 * Stops the cluster whose state is in `stateDir`, in the reverse order of its start, and undoes
 * its changes to the host. The pods go first, through the kubelet (which tears their networks
 * down through CNI), with the controllers stopped so nothing replaces them; what is left in
 * containerd is removed through ctr before containerd itself stops.
 */
export async function stopLocalCluster(
  stateDir: string,
  log: (line: string) => void = () => {},
): Promise<StopReport> {
  const layout = clusterLayout(stateDir);
  const binaries = JSON.parse(
    await readFile(join(stateDir, 'cluster.json'), 'utf8').catch(() => '{}'),
  ) as Partial<ClusterBinaries>;
  const before = JSON.parse(await readFile(layout.hostSnapshotFile, 'utf8')) as HostSnapshot;
  const processes = await recordedProcesses(layout);
  const problems: string[] = [];
  const stop = async (name: ComponentName) => {
    for (const recorded of processes.filter((p) => p.name === name)) {
      const how = await stopProcess(recorded, GRACE_MS);
      if (how === 'killed')
        problems.push(`${name} (pid ${recorded.pid}) ignored SIGTERM and was killed`);
      log(`${name} (pid ${recorded.pid}) ${how}`);
    }
  };
  await stop('kube-controller-manager');
  await stop('kube-scheduler');
  if (binaries.kubernetesBinDir !== undefined && (await anyRunning(processes, 'kubelet')))
    await deletePods(layout, binaries.kubernetesBinDir, binaries.ctr, problems);
  for (const name of ['kube-proxy', 'kubelet', 'kube-apiserver', 'etcd'] as const) await stop(name);
  if (binaries.ctr !== undefined && (await anyRunning(processes, 'containerd')))
    await removeContainers(layout, binaries.ctr);
  await stop('containerd');
  problems.push(...(await cleanUpHost(layout, before)));
  return { problems, leftovers: await leftovers(before) };
}

async function anyRunning(
  processes: readonly RecordedProcess[],
  name: ComponentName,
): Promise<boolean> {
  for (const recorded of processes)
    if (recorded.name === name && (await isRunning(recorded))) return true;
  return false;
}

/** Every pod deleted at once, then waited for until containerd runs no task of theirs. */
async function deletePods(
  layout: ClusterLayout,
  kubernetesBinDir: string,
  ctr: string | undefined,
  problems: string[],
): Promise<void> {
  const kubectl = kubectlFor(join(kubernetesBinDir, 'kubectl'), layout.adminKubeconfig, 30_000);
  const deleted = await kubectl([
    'delete',
    'pods',
    '--all',
    '--all-namespaces',
    '--grace-period=1',
    '--wait=false',
  ]);
  if (!deleted.ok) problems.push(deleted.error);
  if (ctr === undefined) return;
  const deadline = Date.now() + PODS_GONE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if ((await runningTasks(layout, ctr)).length === 0) return;
    await sleep(250);
  }
  problems.push(`pods still ran ${PODS_GONE_TIMEOUT_MS / 1000} s after they were deleted`);
}

async function runningTasks(layout: ClusterLayout, ctr: string): Promise<string[]> {
  const listed = await runCommand(
    ctr,
    ['--address', layout.containerdSocket, '-n', K8S_NAMESPACE, 'tasks', 'ls'],
    { timeoutMs: 10_000 },
  );
  return listed.tail
    .split('\n')
    .slice(1)
    .filter((line) => /\bRUNNING\b/.test(line))
    .map((line) => line.split(/\s+/)[0] ?? '');
}

/** Tasks killed and deleted, then containers removed: their shims end with them. */
async function removeContainers(layout: ClusterLayout, ctr: string): Promise<void> {
  const run = (args: string[]) =>
    runCommand(ctr, ['--address', layout.containerdSocket, '-n', K8S_NAMESPACE, ...args], {
      timeoutMs: 30_000,
    });
  const tasks = await run(['tasks', 'ls', '-q']);
  for (const id of tasks.tail.split('\n').filter((l) => l.trim().length > 0)) {
    await run(['tasks', 'kill', '-s', 'SIGKILL', id.trim()]);
    await run(['tasks', 'delete', '-f', id.trim()]);
  }
  const containers = await run(['containers', 'ls', '-q']);
  for (const id of containers.tail.split('\n').filter((l) => l.trim().length > 0))
    await run(['containers', 'rm', id.trim()]);
}
