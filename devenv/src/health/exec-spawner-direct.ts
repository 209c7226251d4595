import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, unlinkSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpawnOutcome } from './exec-spawner-protocol.js';

const TAIL_BYTES = 4 * 1024;

/**
 * What the warm spawner does (exec-spawner-script.ts), done by devenv itself: where there is no
 * spawner, or it died with the command unanswered. The command leads a process group of its own,
 * killed whole when the command exits or the time is up. Its output goes to a file that has no
 * name, read only when the command fails: no pipes a background grandchild could hold open.
 */
export function spawnDirectly(
  command: readonly string[],
  cwd: string,
  timeoutMs: number,
): Promise<SpawnOutcome> {
  const [exe, ...args] = command;
  if (exe === undefined) return Promise.resolve({ kind: 'error', message: 'empty command' });
  let output: number;
  try {
    output = anonymousFile();
  } catch (error) {
    const message = `no file for its output: ${(error as Error).message}`;
    return Promise.resolve({ kind: 'error', message });
  }
  return new Promise((resolve) => {
    let settled = false;
    const child = spawn(exe, args, {
      cwd,
      stdio: ['ignore', output, output],
      detached: true,
      windowsHide: true,
    });
    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is gone already.
      }
    };
    const settle = (outcome: () => SpawnOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const result = outcome();
      closeSync(output);
      resolve(result);
    };
    const timer = setTimeout(() => {
      killGroup();
      settle(() => ({ kind: 'timeout' }));
    }, timeoutMs);
    child.once('error', (error) => settle(() => ({ kind: 'error', message: error.message })));
    child.once('exit', (code, signal) => {
      // What the command left in the background must not outlive it.
      killGroup();
      settle(() => {
        const text = code === 0 ? '' : tail(output);
        if (signal) return { kind: 'signal', signal: constants.signals[signal], output: text };
        return { kind: 'exit', code: code ?? 0, output: text };
      });
    });
  });
}

/**
 * A file only its descriptor reaches. Synchronous on purpose: three metadata calls cost less
 * than the thread-pool round trips of their asynchronous forms.
 */
function anonymousFile(): number {
  const path = join(tmpdir(), `devenv-probe-${process.pid}-${randomBytes(6).toString('hex')}`);
  const fd = openSync(path, 'wx+', 0o600);
  unlinkSync(path);
  return fd;
}

/** The last TAIL_BYTES the command wrote (stdout and stderr, in the order written). */
function tail(fd: number): string {
  const size = fstatSync(fd).size;
  const length = Math.min(size, TAIL_BYTES);
  const buffer = Buffer.alloc(length);
  const read = readSync(fd, buffer, 0, length, size - length);
  return buffer.subarray(0, read).toString('utf8');
}
