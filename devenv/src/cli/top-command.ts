import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { getExecTarget, listServices } from '../control/control-client.js';
import type { ExecTarget } from '../control/protocol.js';
import { controlSocketPath } from '../control/socket-path.js';
import { isRunning, type ServicePhase } from '../engine/service-state.js';
import { livingMembers } from '../runtime/process-group.js';
import { readProcStatSync, type ProcStat } from '../runtime/proc-stat.js';
import { messageOf } from '../../shared/result.js';
import { parseCommandArgs } from './args.js';
import type { Command } from './command.js';
import { describeControlFailure, instancesOf } from './running-stack.js';
import { loadStackFromFlags, STACK_FLAGS, STACK_FLAGS_USAGE, stateDirOf } from './stack-options.js';
import { UsageError } from './usage-error.js';

export const TOP_USAGE = `Usage: devenv top [SERVICE…] [options]

Lists the processes of running services (all when none are named), as \`docker compose top\`:
one table, a row per process, with the columns of \`ps -ef\`. Natively the service's process
group, read from /proc; in a container what the Engine's top reports.

${STACK_FLAGS_USAGE}

Exit status: 0, 1 no devenv runs this stack, 2 usage error (a service the stack does not have).`;

const FLAGS = { ...STACK_FLAGS, help: { type: 'boolean', short: 'h' } } as const;
const PS_TITLES = ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD'];
/** USER_HZ: the clock ticks /proc counts CPU and start times in (100 on Linux). */
const TICKS_PER_SECOND = 100;

/** The processes of one running instance, as `ps -ef` or the Engine's top titles them. */
export interface InstanceProcesses {
  readonly service: string;
  /** Compose's replica number: 1 unless it is replica N of a scaled service. */
  readonly replica: string;
  readonly titles: readonly string[];
  readonly processes: readonly (readonly string[])[];
}

export const topCommand: Command = async (args, ctx) => {
  const { values, positionals } = parseCommandArgs(args, FLAGS, TOP_USAGE, true);
  if (values.help) {
    ctx.out(TOP_USAGE);
    return 0;
  }
  const stack = await loadStackFromFlags(values, ctx);
  if (!stack) return 2;
  const stateDir = stateDirOf(stack, ctx);
  const socket = controlSocketPath(stateDir);
  const listed = await listServices(socket);
  if (!listed.ok) {
    ctx.err(await describeControlFailure('top', listed.error, stateDir, TOP_USAGE));
    return 1;
  }
  const all = listed.value.services.map((s) => s.name);
  const running = listed.value.services
    .filter((s) => isRunning(s.phase as ServicePhase))
    .map((s) => s.name);
  const names = positionals.length === 0 ? running : positionals.flatMap((n) => named(n, all));
  const instances: InstanceProcesses[] = [];
  for (const name of [...new Set(names)].filter((n) => running.includes(n)).sort()) {
    const target = await getExecTarget(socket, name);
    if (!target.ok) {
      ctx.err(await describeControlFailure('top', target.error, stateDir, TOP_USAGE));
      return 1;
    }
    const listing = await processesOf(target.value);
    if (typeof listing === 'string') ctx.err(`devenv top: ${name}: ${listing}`);
    else instances.push({ ...replicaOf(name, all), ...listing });
  }
  const table = topTable(instances);
  if (table) ctx.out(table);
  return 0;

  function named(name: string, known: readonly string[]): string[] {
    const found = instancesOf(known, name);
    if (found.length === 0)
      throw new UsageError(
        `no service named "${name}" in the running stack; services: ${known.join(', ')}`,
        TOP_USAGE,
      );
    return found;
  }
};

/** `worker-2` of a scaled `worker` is service worker, replica 2; anything else replica 1. */
function replicaOf(name: string, all: readonly string[]): { service: string; replica: string } {
  const match = /^(.*)-(\d+)$/.exec(name);
  if (match && !all.includes(match[1]!) && all.some((n) => n.startsWith(`${match[1]}-`)))
    return { service: match[1]!, replica: match[2]! };
  return { service: name, replica: '1' };
}

/** The instance's processes, or why they cannot be listed. */
async function processesOf(
  target: ExecTarget,
): Promise<Pick<InstanceProcesses, 'titles' | 'processes'> | string> {
  if (target.runtime === 'docker' && target.containerId) {
    try {
      const { default: Dockerode } = await import('dockerode');
      const top = (await new Dockerode().getContainer(target.containerId).top()) as {
        Titles?: string[];
        Processes?: string[][];
      };
      return { titles: top.Titles ?? [], processes: top.Processes ?? [] };
    } catch (error) {
      return `the Engine's top failed: ${messageOf(error)}`;
    }
  }
  if (target.pid === null) return 'it has no process';
  return { titles: PS_TITLES, processes: groupProcesses(target.pid, Date.now()) };
}

/** `ps -ef` rows of a process group's living members, from /proc. */
function groupProcesses(pgid: number, now: number): string[][] {
  const bootMs = bootTimeMs();
  const members = livingMembers(pgid);
  // The leader first, then the rest by pid.
  members.sort((a, b) => (a === pgid ? -1 : b === pgid ? 1 : a - b));
  return members.flatMap((pid) => {
    const stat = readProcStatSync(pid);
    return stat ? [psRow(stat, uidOf(pid), commandLine(pid, stat.comm), bootMs, now)] : [];
  });
}

/** Pure: one `ps -ef` row: UID PID PPID C STIME TTY TIME CMD. Services have no terminal. */
export function psRow(
  stat: ProcStat,
  user: string,
  command: string,
  bootMs: number,
  now: number,
): string[] {
  const cpuSeconds = (stat.utime + stat.stime) / TICKS_PER_SECOND;
  const startMs = bootMs + (stat.startTicks / TICKS_PER_SECOND) * 1000;
  const elapsedSeconds = Math.max(1, (now - startMs) / 1000);
  return [
    user,
    String(stat.pid),
    String(stat.ppid),
    String(Math.floor((cpuSeconds / elapsedSeconds) * 100)),
    startTime(startMs, now),
    '?',
    cpuTime(cpuSeconds),
    command,
  ];
}

/** Pure: ps's STIME: HH:MM today, else the month and day. */
export function startTime(startMs: number, now: number): string {
  const start = new Date(startMs);
  if (start.toDateString() === new Date(now).toDateString())
    return `${pad(start.getHours())}:${pad(start.getMinutes())}`;
  return `${start.toLocaleString('en-US', { month: 'short' })}${pad(start.getDate())}`;
}

/** Pure: ps's TIME: [DD-]HH:MM:SS of CPU. */
export function cpuTime(seconds: number): string {
  const whole = Math.floor(seconds);
  const days = Math.floor(whole / 86_400);
  const clock = `${pad(Math.floor((whole % 86_400) / 3600))}:${pad(Math.floor((whole % 3600) / 60))}:${pad(whole % 60)}`;
  return days > 0 ? `${days}-${clock}` : clock;
}

/**
 * Pure: Compose's table: SERVICE, #, then each title in the order met, CMD last; a row per
 * process, columns padded to the widest cell and two spaces apart. Empty without processes.
 */
export function topTable(instances: readonly InstanceProcesses[]): string {
  const titles = ['SERVICE', '#'];
  for (const instance of instances)
    for (const title of instance.titles) if (!titles.includes(title)) titles.push(title);
  if (titles.includes('CMD')) titles.push(...titles.splice(titles.indexOf('CMD'), 1));
  const rows = instances.flatMap((instance) =>
    instance.processes.map((process) => {
      const cell = new Map(instance.titles.map((title, i) => [title, process[i] ?? '-']));
      cell.set('SERVICE', instance.service).set('#', instance.replica);
      return titles.map((title) => cell.get(title) ?? '-');
    }),
  );
  if (rows.length === 0) return '';
  const widths = titles.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => row[i]!.length)),
  );
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
  return [line(titles), ...rows.map(line)].join('\n');
}

function bootTimeMs(): number {
  const btime = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1];
  return Number(btime ?? 0) * 1000;
}

/** The process's user name (its real uid's), or the uid when no name is known. */
function uidOf(pid: number): string {
  try {
    const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    if (uid === undefined) return '?';
    const me = userInfo();
    return Number(uid) === me.uid ? me.username : uid;
  } catch {
    return '?';
  }
}

/** Its argv joined by spaces, as ps shows CMD; `[comm]` when it has none (a kernel thread). */
function commandLine(pid: number, comm: string): string {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return argv.length > 0 ? argv.join(' ') : `[${comm}]`;
  } catch {
    return `[${comm}]`;
  }
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
