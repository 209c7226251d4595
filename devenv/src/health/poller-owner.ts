import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { PollerOwner } from './worker-pollers.js';

/**
 * Whose each poller identity is, for a service run whose process group devenv leads (a native
 * run: its pid is the group's). The Temporal SDKs' default identity is `<pid>@<hostname>`; the
 * poller is often not the leader itself (`npx ts-node …`, `npm run worker`, a dev runner), so a
 * pid counts as ours when its process is in the leader's group.
 */
export async function pollerOwners(
  identities: readonly string[],
  leaderPid: number | undefined,
): Promise<Map<string, PollerOwner>> {
  const host = hostname();
  const owners = new Map<string, PollerOwner>();
  for (const identity of new Set(identities)) {
    const match = /^(\d+)@(.+)$/.exec(identity);
    if (!match || match[2] !== host || leaderPid === undefined) {
      owners.set(identity, 'unknown');
      continue;
    }
    const group = await processGroupOf(Number(match[1]));
    // No /proc (not Linux): the identity cannot be checked, so it says nothing.
    if (group === 'unknown') owners.set(identity, 'unknown');
    else owners.set(identity, group === leaderPid ? 'ours' : 'other');
  }
  return owners;
}

/** The process group of a pid from /proc; `gone` when no such process runs. */
async function processGroupOf(pid: number): Promise<number | 'gone' | 'unknown'> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // `pid (comm) state ppid pgrp …`: comm may hold spaces and parentheses, so read after the last.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[2]);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') return 'unknown';
    return (await readFile('/proc/self/stat', 'utf8').then(
      () => true,
      () => false,
    ))
      ? 'gone'
      : 'unknown';
  }
}
