import { execFile } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** One output stream of a child: the child gets `writeFd`, devenv reads `reader`. */
export interface OutputPipe {
  readonly writeFd: number;
  readonly reader: Socket;
}

/**
 * A pipe each for a child's stdout and stderr, or undefined where one cannot be made (the caller
 * then uses Node's `'pipe'`).
 *
 * Why not `'pipe'`: libuv gives a child a Unix socketpair, and a socket charges every write a
 * whole buffer of accounting (~1 KiB for a 100-byte log line) and a wake-up, so a logger writing
 * one line per call runs about 1.5× slower into it than into a pipe, where small writes fill
 * pages byte by byte. Node has no pipe(); a FIFO in a private directory, unlinked as soon as both
 * ends are open, is the same kernel object.
 *
 * After spawning, the caller must close both `writeFd`s: the readers see the end of output only
 * once no process holds a write end.
 */
export async function outputPipes(): Promise<[OutputPipe, OutputPipe] | undefined> {
  let dir: string | undefined;
  const fds: number[] = [];
  try {
    dir = await mkdtemp(join(tmpdir(), 'devenv-out-')); // 0700: nobody else can open the FIFOs
    const paths = [join(dir, 'stdout'), join(dir, 'stderr')];
    await execFileAsync('mkfifo', ['-m', '600', ...paths]);
    for (const path of paths) {
      // The read end first and non-blocking: opening a FIFO alone would wait for the other end.
      fds.push(openSync(path, constants.O_RDONLY | constants.O_NONBLOCK));
      fds.push(openSync(path, constants.O_WRONLY));
    }
    const [outRead, outWrite, errRead, errWrite] = fds as [number, number, number, number];
    return [
      { writeFd: outWrite, reader: new Socket({ fd: outRead, readable: true, writable: false }) },
      { writeFd: errWrite, reader: new Socket({ fd: errRead, readable: true, writable: false }) },
    ];
  } catch {
    for (const fd of fds) closeSync(fd);
    return undefined; // No mkfifo (or no tmpdir): Node's socketpair still works, only slower.
  } finally {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
