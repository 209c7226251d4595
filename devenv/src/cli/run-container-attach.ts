import { Writable, type Duplex } from 'node:stream';
import type Dockerode from 'dockerode';
import { messageOf } from '../../shared/result.js';

export interface AttachedIo {
  readonly name: string;
  readonly output: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
  readonly problem: (message: string) => void;
}

/** `docker run`'s status when the container could not be created or started. */
export const NOT_RUN = 125;

/** How long output may keep arriving after the container exited. */
const DRAIN_MS = 2_000;

/** Signals `docker run` passes on to its container (its sig-proxy); a terminal's Ctrl-C is one. */
const PASSED_ON = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Starts the created container attached to this process, as `docker run -i` does: its output
 * (attached before the start, so none is lost), this process's stdin until it ends, and SIGINT,
 * SIGTERM and SIGHUP passed on to it. Settles with its exit code; 127 or 126 when the Engine
 * could not start its command (not found, not executable), 125 when the Engine failed.
 */
export async function startAttached(
  docker: Dockerode,
  container: Dockerode.Container,
  io: AttachedIo,
): Promise<number> {
  let stream: Duplex;
  try {
    const options = { stream: true, stdin: true, stdout: true, stderr: true, hijack: true };
    stream = (await container.attach(options)) as Duplex;
  } catch (error) {
    io.problem(`cannot attach to container ${io.name}: ${messageOf(error)}`);
    return NOT_RUN;
  }
  const ended = new Promise<void>((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
    // A broken stream loses output but must not crash devenv; the exit code still comes from wait.
    stream.once('error', () => resolve());
  });
  docker.modem.demuxStream(stream, sink(io, 'stdout'), sink(io, 'stderr'));
  const passOn = (signal: NodeJS.Signals) => void container.kill({ signal }).catch(() => undefined);
  for (const signal of PASSED_ON) process.on(signal, passOn);
  const stopStdin = forwardStdin(stream);
  try {
    try {
      await container.start();
    } catch (error) {
      io.problem(`cannot start container ${io.name}: ${messageOf(error)}`);
      return await failedStartCode(container);
    }
    const code = await container.wait().then(
      (answer: { StatusCode?: unknown }) =>
        typeof answer.StatusCode === 'number' ? answer.StatusCode : NOT_RUN,
      () => NOT_RUN,
    );
    await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, DRAIN_MS).unref())]);
    return code;
  } finally {
    for (const signal of PASSED_ON) process.off(signal, passOn);
    stopStdin();
    stream.destroy();
  }
}

/** Copies stdin to the container; its end closes the container's stdin (created StdinOnce). */
function forwardStdin(stream: Duplex): () => void {
  const stdin = process.stdin;
  const closeWrite = () => stream.end();
  stdin.once('end', closeWrite);
  stdin.pipe(stream, { end: false });
  return () => {
    stdin.off('end', closeWrite);
    stdin.unpipe(stream);
    // Nothing reads stdin after the run; a handle left open would keep devenv from exiting.
    stdin.destroy();
  };
}

/** The Engine sets 127 (not found) or 126 (not executable) on a container whose start failed. */
export async function failedStartCode(container: Dockerode.Container): Promise<number> {
  const state = (await container.inspect().catch(() => undefined))?.State;
  return state !== undefined && state.ExitCode > 0 ? state.ExitCode : NOT_RUN;
}

function sink(io: AttachedIo, stream: 'stdout' | 'stderr'): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      io.output(stream, chunk);
      callback();
    },
  });
}
