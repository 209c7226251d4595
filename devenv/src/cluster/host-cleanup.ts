import { readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCommand } from '../process/run-command.js';
import { HOST_PATHS_WRITTEN, type ClusterLayout } from './layout.js';
import {
  CLUSTER_CHAIN,
  IPTABLES_COMMANDS,
  IPTABLES_TABLES,
  iptablesRules,
  isClusterLink,
  kubepodsCgroups,
  linkNames,
  mentionsClusterChain,
  type HostSnapshot,
} from './host-state.js';

/**
 * Undoes what the cluster did to the host, once its processes are stopped: pod processes left in
 * its cgroups, mounts under its state directory and its network namespaces, the cgroups, the
 * bridge and veths, its iptables chains and the rules that jump to them, the sysctls, the host
 * paths it created, and its state directory. Each step runs even when an earlier one failed;
 * the problems are returned.
 */
export async function cleanUpHost(layout: ClusterLayout, before: HostSnapshot): Promise<string[]> {
  const problems: string[] = [];
  const step = async (what: string, action: () => Promise<void>) => {
    await action().catch((thrown: unknown) => problems.push(`${what}: ${String(thrown)}`));
  };
  await step('pod processes', () => killCgroupProcesses(before));
  await step('mounts', () => unmountUnder(layout.stateDir, before));
  await step('cgroups', () => removeCgroups(before));
  await step('network links', () => removeLinks(before));
  await step('iptables', () => removeIptablesRules(before));
  await step('sysctls', () => restoreSysctls(before));
  await step('host paths', () => removeHostPaths(before));
  await step('state directory', () => rm(layout.stateDir, { recursive: true, force: true }));
  return problems;
}

async function newKubepods(before: HostSnapshot): Promise<string[]> {
  return (await kubepodsCgroups()).filter((path) => !before.kubepodsCgroups.includes(path));
}

/** Processes still in the pods' cgroups (containerd gone before its shims ended them). */
async function killCgroupProcesses(before: HostSnapshot): Promise<void> {
  for (const root of await newKubepods(before)) {
    for (const dir of await subtree(root)) {
      const procs = await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
      for (const pid of procs.split('\n').filter((p) => p.length > 0)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
  }
}

async function unmountUnder(stateDir: string, before: HostSnapshot): Promise<void> {
  const newNetns = async () =>
    (await readdir('/run/netns').catch(() => [])).filter((ns) => !before.netns.includes(ns));
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
  const targets = mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .map((path) => path.replace(/\\040/g, ' '))
    .filter((path) => path.startsWith(`${stateDir}/`) || path.startsWith('/run/netns/cni-'))
    .filter((path) => !path.startsWith('/run/netns/') || !before.netns.includes(path.slice(11)));
  // Deepest first, so no mount hides another.
  for (const target of [...new Set(targets)].sort((a, b) => b.length - a.length)) {
    await runCommand('umount', ['-l', target], { timeoutMs: 30_000 });
  }
  for (const ns of await newNetns()) await rm(join('/run/netns', ns), { force: true });
}

async function removeCgroups(before: HostSnapshot): Promise<void> {
  for (const root of await newKubepods(before)) {
    // Children before parents; a cgroup whose last process just died may need a moment.
    for (const dir of (await subtree(root)).reverse()) {
      for (let attempt = 0; attempt < 50; attempt++) {
        const removed = await rmdir(dir).then(
          () => true,
          (error: NodeJS.ErrnoException) => error.code === 'ENOENT',
        );
        if (removed) break;
        await sleep(100);
      }
    }
  }
}

/** The directory and every cgroup below it, parents first. */
async function subtree(root: string): Promise<string[]> {
  const found = [root];
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  for (const entry of entries)
    if (entry.isDirectory()) found.push(...(await subtree(join(root, entry.name))));
  return found;
}

async function removeLinks(before: HostSnapshot): Promise<void> {
  for (const link of await linkNames()) {
    if (isClusterLink(link) && !before.links.includes(link))
      await runCommand('ip', ['link', 'delete', link], { timeoutMs: 10_000 });
  }
}

/**
 * Rules that jump to a KUBE-/CNI- chain (and were not there before) are deleted, then those
 * chains are flushed and deleted. Nothing else: another program's rules (Docker's) stay.
 */
async function removeIptablesRules(before: HostSnapshot): Promise<void> {
  for (const command of IPTABLES_COMMANDS) {
    const now = await iptablesRules(command);
    for (const table of IPTABLES_TABLES) {
      const rules = now[table] ?? [];
      const old = before.iptables[command][table] ?? [];
      const run = (args: string[]) =>
        runCommand(command, ['-w', '5', '-t', table, ...args], { timeoutMs: 30_000 });
      const chains = rules
        .filter((rule) => rule.startsWith('-N '))
        .map((rule) => rule.slice(3).trim())
        .filter((chain) => CLUSTER_CHAIN.test(chain) && !old.includes(`-N ${chain}`));
      for (const rule of rules) {
        if (!rule.startsWith('-A ') || old.includes(rule) || !mentionsClusterChain(rule)) continue;
        const chain = rule.split(' ')[1] ?? '';
        if (chains.includes(chain)) continue;
        await run(['-D', ...splitRule(rule.slice(3))]);
      }
      for (const chain of chains) await run(['-F', chain]);
      for (const chain of chains) await run(['-X', chain]);
    }
  }
}

/** An `iptables -S` rule's words, with its double-quoted comments kept whole. */
export function splitRule(rule: string): string[] {
  const words: string[] = [];
  for (const match of rule.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g))
    words.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2]!);
  return words;
}

async function restoreSysctls(before: HostSnapshot): Promise<void> {
  for (const [key, value] of Object.entries(before.sysctls)) {
    const now = await readFile(join('/proc/sys', key), 'utf8').catch(() => undefined);
    if (now !== undefined && now.trim() !== value) await writeFile(join('/proc/sys', key), value);
  }
}

async function removeHostPaths(before: HostSnapshot): Promise<void> {
  for (const path of HOST_PATHS_WRITTEN) {
    if (!before.existingPaths.includes(path)) await rm(path, { recursive: true, force: true });
  }
}
