import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One output stream of a child: the child gets `writeFd`, devenv reads `reader`. */
export interface OutputPipe {
  readonly writeFd: number;
  readonly reader: Socket;
  /** A second read end, blocking, for the orphan drain (`drainAfterDevenv`), which closes it. */
  readonly drainFd: number;
}

/** A pipe's three open ends: read (non-blocking), write, and the drain's blocking read. */
type PipeEnds = readonly [read: number, write: number, drain: number];
/** A child's stdout and stderr pipes, made but not yet handed out. */
type PipePair = readonly [stdout: PipeEnds, stderr: PipeEnds];

/** Pairs made ahead by `prepareOutputPipes`, and the batches being made. */
const ready: PipePair[] = [];
const making = new Set<Promise<void>>();
/** More ahead than this only holds file descriptors open. */
const MOST_AHEAD = 16;
/**
 * The pair for the next restart is made this long after the last one was taken: not while the
 * stack starts (a process more on a busy machine), nor at all in a run that ends by then.
 */
const AHEAD_AFTER_MS = 1000;
let aheadTimer: NodeJS.Timeout | undefined;

/**
 * A pipe each for a child's stdout and stderr, or undefined where one cannot be made (the caller
 * then uses Node's `'pipe'`).
 *
 * Why not `'pipe'`: libuv gives a child a Unix socketpair, and a socket charges every write a
 * whole buffer of accounting (~1 KiB for a 100-byte log line) and a wake-up, so a logger writing
 * one line per call runs about 1.5× slower into it than into a pipe, where small writes fill
 * pages byte by byte. Node has no pipe(); a FIFO in a private directory, unlinked as soon as both
 * ends are open, is the same kernel object. Making one takes a `mkfifo` process (~7 ms), so
 * pairs are made ahead (`prepareOutputPipes`), and one is kept ahead for the next restart.
 *
 * After spawning, the caller must close both `writeFd`s: the readers see the end of output only
 * once no process holds a write end.
 */
export async function outputPipes(): Promise<[OutputPipe, OutputPipe] | undefined> {
  if (ready.length === 0 && making.size > 0) await Promise.all(making);
  // Spawns at once may outnumber what was made ahead: each of those makes its own.
  const pair = ready.shift() ?? (await makePairs(1))[0];
  if (ready.length === 0) keepOneAhead();
  if (pair === undefined) return undefined; // No mkfifo (or no tmpdir): Node's socketpair still works, only slower.
  const reader = (fd: number) => new Socket({ fd, readable: true, writable: false });
  const [[outRead, outWrite, outDrain], [errRead, errWrite, errDrain]] = pair;
  return [
    { writeFd: outWrite, reader: reader(outRead), drainFd: outDrain },
    { writeFd: errWrite, reader: reader(errRead), drainFd: errDrain },
  ];
}

/**
 * Makes the pipes of `count` services ahead, with one `mkfifo` for all of them, while devenv
 * does its other work before the first spawn; the spawns then find them ready.
 */
export function prepareOutputPipes(count: number): void {
  prepare(Math.min(count, MOST_AHEAD));
}

function prepare(count: number): void {
  if (count - ready.length <= 0) return;
  const batch: Promise<void> = makePairs(count - ready.length).then((pairs) => {
    ready.push(...pairs);
    making.delete(batch);
  });
  making.add(batch);
}

/** How many pairs are made and waiting. */
export function pipesMadeAhead(): number {
  return ready.length;
}

function keepOneAhead(): void {
  aheadTimer ??= setTimeout(() => {
    aheadTimer = undefined;
    if (ready.length === 0 && making.size === 0) prepare(1);
  }, AHEAD_AFTER_MS).unref();
}

/** `count` pairs, or none when they cannot be made. */
async function makePairs(count: number): Promise<PipePair[]> {
  let dir: string | undefined;
  const fds: number[] = [];
  try {
    dir = mkdtempSync(join(tmpdir(), 'devenv-out-')); // 0700: nobody else can open the FIFOs
    const paths = Array.from({ length: count * 2 }, (_, i) => join(dir!, String(i)));
    await new Promise<void>((resolve, reject) =>
      execFile('mkfifo', ['-m', '600', ...paths], (error) => (error ? reject(error) : resolve())),
    );
    const ends = paths.map((path): PipeEnds => {
      // The read end first and non-blocking: opening a FIFO alone would wait for the other end.
      fds.push(openSync(path, constants.O_RDONLY | constants.O_NONBLOCK));
      fds.push(openSync(path, constants.O_WRONLY));
      // With a writer open this returns at once; blocking, so that the drain's cat can read it.
      fds.push(openSync(path, constants.O_RDONLY));
      return fds.slice(-3) as unknown as PipeEnds;
    });
    return Array.from({ length: count }, (_, i) => [ends[2 * i]!, ends[2 * i + 1]!] as const);
  } catch {
    for (const fd of fds) closeSync(fd);
    return [];
  } finally {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What a service that outlives devenv (devenv was SIGKILLed; its services run on in their own
 * process groups until the next `devenv up` or `devenv down` reaps them) does with its output:
 * its writes keep succeeding and the output is discarded. Without a reader left, its next write
 * would raise SIGPIPE or EPIPE, and most programs die of either; with a reader that never reads,
 * it would block for good once the pipe is full.
 *
 * So a small shell holds a second read end of each pipe and waits on a socket of which only
 * devenv holds the other end. While devenv lives it reads nothing (devenv gets every byte, at
 * full speed); when devenv is gone, however it ended, the socket reads end-of-file and the shell
 * starts a `cat` per pipe into /dev/null. The cats end by themselves once the service's last
 * process is gone (the pipe then reads end-of-file), so a reap leaves nothing behind.
 *
 * Call it once the service is spawned; `stop()` once the service has exited while devenv still
 * runs (then nothing is left to guard). undefined when no shell could be started: the service
 * then dies at its first write after devenv, as before.
 */
export function drainAfterDevenv(pipes: readonly OutputPipe[]): OrphanDrain | undefined {
  const drainFds = pipes.map((pipe) => pipe.drainFd);
  let shell: ChildProcess | undefined;
  try {
    // Detached, like the service: a signal to devenv's process group leaves it running.
    shell = spawn('/bin/sh', ['-c', DRAIN_SCRIPT], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore', ...drainFds],
    });
  } catch {
    shell = undefined;
  } finally {
    for (const fd of drainFds) closeSync(fd);
  }
  if (shell?.pid === undefined) return undefined;
  shell.on('error', () => undefined);
  shell.stdin!.on('error', () => undefined);
  // Neither keeps devenv running: its exit is what the shell waits for.
  shell.unref();
  (shell.stdin as Socket).unref();
  const running = shell;
  return {
    stop: () => {
      // SIGKILL before the socket closes: the shell must not start reading what devenv still drains.
      running.kill('SIGKILL');
      running.stdin!.destroy();
    },
  };
}

export interface OrphanDrain {
  stop(): void;
}

/** fd 0: the socket to devenv; fds 3 and 4: stdout's and stderr's pipes. One cat each, so neither waits on the other. */
const DRAIN_SCRIPT = 'read _; cat <&3 >/dev/null & exec cat <&4 >/dev/null';
