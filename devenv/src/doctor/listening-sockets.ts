/** A TCP socket in LISTEN state, as the kernel reports it in /proc/net/tcp and /proc/net/tcp6. */
export interface ListeningSocket {
  readonly port: number;
  readonly inode: number;
}

const LISTEN = '0A';

/**
 * Parses the text of /proc/net/tcp or /proc/net/tcp6. Lines look like
 * `0: 0100007F:1C41 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 12345 …`
 * (local address:port in hex, state, …, inode in the 10th column).
 */
export function parseProcNetTcp(text: string): ListeningSocket[] {
  const sockets: ListeningSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    const [, local, , state] = cols;
    const inode = Number(cols[9]);
    if (state !== LISTEN || !local || !Number.isInteger(inode)) continue;
    const port = parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
    if (Number.isInteger(port)) sockets.push({ port, inode });
  }
  return sockets;
}

/** `socket:[12345]` (the target of a /proc/<pid>/fd link) → 12345. */
export function socketInode(linkTarget: string): number | undefined {
  const match = /^socket:\[(\d+)\]$/.exec(linkTarget);
  return match?.[1] ? Number(match[1]) : undefined;
}
