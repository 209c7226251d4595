import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEVENV = join(ROOT, 'devenv', 'bin', 'devenv.js');

/** Starts `devenv …` and resolves the milliseconds until a line matches (or rejects on exit first). */
export function timeUntil(
  args: readonly string[],
  pattern: RegExp,
  timeoutMs = 120_000,
): { child: ChildProcess; ms: Promise<number> } {
  const started = performance.now();
  const child = spawn(DEVENV, [...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ms = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timeout waiting for ${pattern}:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve(performance.now() - started);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', () =>
      setTimeout(() => reject(new Error(`devenv exited before ${pattern}:\n${output}`)), 100),
    );
  });
  return { child, ms };
}

export async function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((resolve) => child.once('exit', resolve));
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
