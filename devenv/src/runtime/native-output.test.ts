import { describe, expect, it } from 'vitest';
import type { Toolchain } from '../toolchain/toolchain.js';
import { testStack } from '../../test/stack-builder.js';
import { useTempDirs } from '../../test/temp-dir.js';
import { nativeRuntime } from './native.js';
import { outputPipes } from './output-pipes.js';
import { describeStartFailure } from './runtime.js';

const makeTempDir = useTempDirs();
const noTools: Toolchain = {
  find: () => Promise.reject(new Error('no tools in this test')),
  ensure: () => Promise.reject(new Error('no tools in this test')),
};

/** Starts `node -e script` natively and collects its output until it has exited. */
async function run(
  script: string,
): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const dir = await makeTempDir();
  const spec = testStack(dir, { svc: { command: [process.execPath, '-e', script] } }).services[
    'svc'
  ]!;
  const out = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  const started = await nativeRuntime(noTools).start(spec, {
    output: (stream, chunk) => {
      if (stream !== 'devenv') out[stream].push(chunk);
    },
  });
  if (!started.ok) throw new Error(describeStartFailure(started.error));
  const { code } = await started.value.exited;
  return {
    stdout: Buffer.concat(out.stdout).toString(),
    stderr: Buffer.concat(out.stderr).toString(),
    code,
  };
}

describe('native runtime output', () => {
  it('gives the service pipes (not sockets) for stdout and stderr', async () => {
    const result = await run(
      "const fs = require('fs'); console.log(fs.fstatSync(1).isFIFO()); console.error(fs.fstatSync(2).isFIFO());",
    );
    expect(result).toEqual({ stdout: 'true\n', stderr: 'true\n', code: 0 });
  });

  it('has all output in when `exited` settles, even far more than a pipe holds', async () => {
    const lines = 20_000;
    const result = await run(
      `for (let i = 0; i < ${lines}; i++) process.stdout.write('line ' + i + ' ' + 'x'.repeat(40) + '\\n'); process.stderr.write('bye');`,
    );
    const got = result.stdout.trimEnd().split('\n');
    expect(got).toHaveLength(lines);
    expect(got.at(-1)).toMatch(/^line 19999 x+$/);
    expect(result.stderr).toBe('bye');
  });
});

describe('native runtime output after exit', () => {
  it('waits for output that a helper outside the group still writes into the pipes', async () => {
    // The helper leads its own session (so the group kill on exit misses it) and holds stdout.
    const helper = `setTimeout(() => console.log('late'), 300)`;
    const result = await run(
      `require('child_process').spawn(process.execPath, ['-e', ${JSON.stringify(helper)}], { detached: true, stdio: ['ignore', 'inherit', 'ignore'] }).unref(); console.log('early');`,
    );
    expect(result.stdout).toBe('early\nlate\n');
  });
});

describe('outputPipes', () => {
  it('makes two pipes whose readers end once the write ends are closed', async () => {
    const pipes = await outputPipes();
    expect(pipes).toBeDefined();
    const { closeSync, writeSync } = await import('node:fs');
    for (const [i, pipe] of pipes!.entries()) {
      const chunks: Buffer[] = [];
      pipe.reader.on('data', (chunk: Buffer) => chunks.push(chunk));
      const ended = new Promise((resolve) => pipe.reader.once('close', resolve));
      writeSync(pipe.writeFd, `hello ${i}`);
      closeSync(pipe.writeFd);
      await ended;
      expect(Buffer.concat(chunks).toString()).toBe(`hello ${i}`);
    }
  });
});
