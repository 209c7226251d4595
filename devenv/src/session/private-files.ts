import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * `.devenv/` and what devenv writes in it (the session file, logs, sockets) are the owner's
 * only: logs hold what services print, the session file what devenv may kill. Modes are set
 * explicitly, whatever the umask, and an older devenv's looser directory is tightened.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    chmodSync(dir, 0o700);
  } catch {
    // Someone else's directory: not ours to change; what we write in it is still 0600.
  }
}

/** Writes `path` whole (a temporary file renamed over it), 0600. */
export function writePrivateFile(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  // A left-over temporary file would keep its own mode.
  rmSync(tmp, { force: true });
  writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}
