import { readdir, readFile, readlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { parseProcNetTcp, socketInode } from './listening-sockets.js';

export interface PortHolder {
  readonly pid: number;
  readonly command: string;
}

export type PortState =
  | { readonly free: true }
  /** `holders` is empty when the holder is not visible to us (another user's process without root). */
  | { readonly free: false; readonly holders: readonly PortHolder[] };

/** Whether a TCP port can be listened on here, and if not, which processes hold it. */
export async function inspectPort(port: number): Promise<PortState> {
  const inodes = await listeningInodes(port);
  if (inodes === undefined)
    return (await canListen(port)) ? { free: true } : { free: false, holders: [] };
  if (inodes.size === 0) return { free: true };
  return { free: false, holders: await processesHolding(inodes) };
}

/** undefined when /proc/net is not there (not Linux): then a bind attempt decides. */
async function listeningInodes(port: number): Promise<Set<number> | undefined> {
  const tables = await Promise.all(
    ['/proc/net/tcp', '/proc/net/tcp6'].map((path) =>
      readFile(path, 'utf8').catch(() => undefined),
    ),
  );
  if (tables.every((t) => t === undefined)) return undefined;
  const sockets = tables.flatMap((t) => (t === undefined ? [] : parseProcNetTcp(t)));
  return new Set(sockets.filter((s) => s.port === port).map((s) => s.inode));
}

async function processesHolding(inodes: Set<number>): Promise<PortHolder[]> {
  const pids = (await readdir('/proc').catch(() => [])).filter((name) => /^\d+$/.test(name));
  const holders = await Promise.all(
    pids.map(async (pid) => {
      const fds = await readdir(`/proc/${pid}/fd`).catch(() => []);
      for (const fd of fds) {
        const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
        const inode = socketInode(target);
        if (inode !== undefined && inodes.has(inode)) {
          return { pid: Number(pid), command: await commandLine(pid) };
        }
      }
      return undefined;
    }),
  );
  return holders.filter((h) => h !== undefined);
}

async function commandLine(pid: string): Promise<string> {
  const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  const args = raw.split('\0').filter((a) => a.length > 0);
  return args.length > 0 ? args.join(' ') : `(pid ${pid})`;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
}

/** `port 7233 is in use by pid 42 (temporal server start-dev)`: who to stop, for people. */
export function describeTakenPort(port: number, holders: readonly PortHolder[]): string {
  const who =
    holders.length > 0
      ? holders.map((h) => `pid ${h.pid} (${truncate(h.command, 80)})`).join(', ')
      : 'a process devenv cannot see (run as root to name it)';
  return `port ${port} is in use by ${who}`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
