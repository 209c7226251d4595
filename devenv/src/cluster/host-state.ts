import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CLUSTER_NETWORK, HOST_PATHS_WRITTEN, SYSCTLS_TOUCHED } from './layout.js';

/**
 * What a running cluster changes on the host, as it was before the cluster started: the teardown
 * restores it, and `leftovers` says what is still different after.
 */
export interface HostSnapshot {
  readonly sysctls: Readonly<Record<string, string>>;
  readonly existingPaths: readonly string[];
  readonly netns: readonly string[];
  readonly links: readonly string[];
  /** `iptables`/`ip6tables` → table → its `-S` lines. */
  readonly iptables: Readonly<Record<IptablesCommand, Readonly<Record<string, readonly string[]>>>>;
  readonly kubepodsCgroups: readonly string[];
}

export type IptablesCommand = 'iptables' | 'ip6tables';
export const IPTABLES_COMMANDS: readonly IptablesCommand[] = ['iptables', 'ip6tables'];
export const IPTABLES_TABLES = ['filter', 'nat', 'mangle', 'raw'] as const;
/** Chains the cluster's own components create; nothing else is touched in iptables. */
export const CLUSTER_CHAIN = /^(KUBE-|CNI-)/;

const CGROUP_ROOT = '/sys/fs/cgroup';
const NETNS_DIR = '/run/netns';

export async function snapshotHost(): Promise<HostSnapshot> {
  const sysctls: Record<string, string> = {};
  for (const key of SYSCTLS_TOUCHED) {
    const value = await readFile(join('/proc/sys', key), 'utf8').catch(() => undefined);
    if (value !== undefined) sysctls[key] = value.trim();
  }
  const existingPaths: string[] = [];
  for (const path of HOST_PATHS_WRITTEN) if (await exists(path)) existingPaths.push(path);
  const iptables = {} as Record<IptablesCommand, Record<string, string[]>>;
  for (const command of IPTABLES_COMMANDS) iptables[command] = await iptablesRules(command);
  return {
    sysctls,
    existingPaths,
    netns: await readdir(NETNS_DIR).catch(() => []),
    links: await linkNames(),
    iptables,
    kubepodsCgroups: await kubepodsCgroups(),
  };
}

/** Each difference from `before` that the cluster makes, in words; empty when none is left. */
export async function leftovers(before: HostSnapshot): Promise<string[]> {
  const now = await snapshotHost();
  const found: string[] = [];
  for (const [key, value] of Object.entries(before.sysctls))
    if (now.sysctls[key] !== value)
      found.push(`sysctl ${key} is ${now.sysctls[key]}, was ${value}`);
  for (const path of now.existingPaths)
    if (!before.existingPaths.includes(path)) found.push(`host path ${path}`);
  for (const ns of now.netns) if (!before.netns.includes(ns)) found.push(`network namespace ${ns}`);
  for (const link of now.links)
    if (!before.links.includes(link) && isClusterLink(link)) found.push(`network link ${link}`);
  for (const command of IPTABLES_COMMANDS)
    for (const table of IPTABLES_TABLES)
      for (const rule of now.iptables[command][table] ?? [])
        if (mentionsClusterChain(rule) && !(before.iptables[command][table] ?? []).includes(rule))
          found.push(`${command} -t ${table}: ${rule}`);
  for (const cgroup of now.kubepodsCgroups)
    if (!before.kubepodsCgroups.includes(cgroup)) found.push(`cgroup ${cgroup}`);
  return found;
}

/** The cluster's bridge and the veths of its pods (the bridge plugin names them veth…). */
export function isClusterLink(name: string): boolean {
  return name === CLUSTER_NETWORK.bridge || name.startsWith('veth');
}

export function mentionsClusterChain(rule: string): boolean {
  return rule.split(/\s+/).some((word) => CLUSTER_CHAIN.test(word));
}

export async function iptablesRules(command: IptablesCommand): Promise<Record<string, string[]>> {
  const tables: Record<string, string[]> = {};
  for (const table of IPTABLES_TABLES) {
    // All of the output (run-command keeps only a tail): kube-proxy writes hundreds of rules.
    const listed = await promisify(execFile)(command, ['-w', '5', '-t', table, '-S'], {
      maxBuffer: 64 * 1024 * 1024,
    }).catch(() => ({ stdout: '' }));
    tables[table] = listed.stdout.split('\n').filter((l) => l.length > 0);
  }
  return tables;
}

export async function linkNames(): Promise<string[]> {
  const names = await readdir('/sys/class/net').catch(() => []);
  return names.sort();
}

/** Every `kubepods` cgroup directory, in every v1 hierarchy (and v2's unified one). */
export async function kubepodsCgroups(): Promise<string[]> {
  const hierarchies = await readdir(CGROUP_ROOT).catch(() => []);
  const found: string[] = [];
  for (const hierarchy of hierarchies) {
    for (const name of ['kubepods', 'kubepods.slice']) {
      const path = join(CGROUP_ROOT, hierarchy, name);
      if (await exists(path)) found.push(path);
    }
  }
  return found;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
