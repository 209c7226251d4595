import { closeSync, writeSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import {
  outputPipes,
  pipesMadeAhead,
  prepareOutputPipes,
  type OutputPipe,
} from './output-pipes.js';

function release(pipes: readonly OutputPipe[]): void {
  for (const pipe of pipes) {
    pipe.reader.destroy();
    closeSync(pipe.writeFd);
    closeSync(pipe.drainFd);
  }
}

/** Runs `body` with no `mkfifo` to be found: pipes can only come from those made ahead. */
async function withoutMkfifo<T>(body: () => Promise<T>): Promise<T> {
  const path = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    return await body();
  } finally {
    process.env.PATH = path;
  }
}

/** Hands out (and closes) every pair made so far, until none is left. */
async function drain(): Promise<void> {
  await withoutMkfifo(async () => {
    for (let pipes = await outputPipes(); pipes; pipes = await outputPipes()) release(pipes);
  });
}

describe('prepareOutputPipes', () => {
  it('makes the pipes of several services ahead, with one mkfifo, for the spawns that follow', async () => {
    await drain();
    // The one mkfifo starts here, synchronously, while PATH still finds it.
    prepareOutputPipes(3);
    const taken = await withoutMkfifo(async () => [
      await outputPipes(),
      await outputPipes(),
      await outputPipes(),
    ]);
    expect(taken.map((pipes) => pipes !== undefined)).toEqual([true, true, true]);
    expect(pipesMadeAhead()).toBe(0);
    const made = taken.filter((pipes) => pipes !== undefined);
    // Each is a working pipe of its own.
    for (const [i, [stdout]] of made.entries()) {
      const read = new Promise<string>((resolve) =>
        stdout.reader.once('data', (chunk: Buffer) => resolve(chunk.toString())),
      );
      writeSync(stdout.writeFd, `pair ${i}`);
      expect(await read).toBe(`pair ${i}`);
    }
    for (const pipes of made) release(pipes);
  });

  it('keeps one pair ahead after a spawn takes the last, for the next start or restart', async () => {
    await drain();
    const first = await outputPipes();
    expect(first).toBeDefined();
    release(first!);
    // Made in the background soon after the last pair was taken: then ready without a mkfifo.
    expect(pipesMadeAhead()).toBe(0);
    await vi.waitFor(() => expect(pipesMadeAhead()).toBe(1), { timeout: 10_000 });
    const next = await withoutMkfifo(() => outputPipes());
    expect(next).toBeDefined();
    release(next!);
  });
});
