import { createHash } from 'node:crypto';
import { join } from 'node:path';

/**
 * The longest Unix socket path every platform accepts: sun_path holds 108 bytes on Linux and 104
 * on macOS, both counting the final NUL. Longer paths fail to bind (EINVAL), so they are avoided.
 */
export const MAX_SOCKET_PATH_BYTES = 103;

/** Where `devenv up` listens for `devenv restart|stop|start`, and where those commands connect. */
export interface SocketPlace {
  readonly platform: NodeJS.Platform;
  /** The user's id on POSIX systems: names the private fallback directory. */
  readonly uid: number | undefined;
}

export const THIS_MACHINE: SocketPlace = {
  platform: process.platform,
  uid: process.getuid?.(),
};

/**
 * The control socket of the stack whose state lives in `stateDir`: `<stateDir>/control.sock`, so
 * each project has its own and only the user who owns the checkout can reach it. A path too long
 * for a socket moves to `/tmp/devenv-<uid>/<hash of stateDir>.sock` (a directory only that user
 * may enter); on Windows it is a named pipe named after the same hash. Every input is fixed for a
 * given checkout and user (no environment variables), so `up` and the commands in any terminal
 * agree on it.
 */
export function controlSocketPath(stateDir: string, place: SocketPlace = THIS_MACHINE): string {
  const key = createHash('sha256').update(stateDir).digest('hex').slice(0, 16);
  if (place.platform === 'win32') return `\\\\.\\pipe\\devenv-${key}`;
  const inStateDir = join(stateDir, 'control.sock');
  if (Buffer.byteLength(inStateDir) <= MAX_SOCKET_PATH_BYTES) return inStateDir;
  return join(fallbackSocketDir(place), `${key}.sock`);
}

/** The private directory of sockets whose state directory is too deep for a socket path. */
export function fallbackSocketDir(place: SocketPlace = THIS_MACHINE): string {
  return `/tmp/devenv-${place.uid ?? 'user'}`;
}
