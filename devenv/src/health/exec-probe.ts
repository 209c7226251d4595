import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withoutNeedlessShell } from './direct-command.js';
import { failed, passed, type ProbeOutcome } from './probe-outcome.js';

const TAIL_BYTES = 4 * 1024;

/**
 * Ready when the command exits 0 (like a Compose healthcheck's CMD), run as it is written (a
 * `sh -c` of plain words runs its program directly, direct-command.ts). The command leads a process group of its own, killed whole when the command exits or
 * the time is up: what it left running in the background cannot pile up from check to check.
 *
 * Its output goes to a file that has no name (created and unlinked at once), read only when the
 * check fails: no pipes, streams or reads for a check that passes, which is most of them, and
 * nothing a background grandchild could hold to delay the answer. A probe runs every few
 * seconds per service, so what it costs besides the fork and exec is most of devenv's idle CPU.
 */
export function probeExec(
  command: readonly string[],
  cwd: string,
  timeoutMs: number,
): Promise<ProbeOutcome> {
  const [exe, ...args] = withoutNeedlessShell(command);
  if (exe === undefined) return Promise.resolve(failed('empty probe command'));
  let output: number;
  try {
    output = anonymousFile();
  } catch (error) {
    return Promise.resolve(failed(`${exe}: no file for its output: ${(error as Error).message}`));
  }
  return new Promise((resolve) => {
    let settled = false;
    const child = spawn(exe, args, { cwd, stdio: ['ignore', output, output], detached: true });
    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is gone already.
      }
    };
    const settle = (outcome: () => ProbeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const result = outcome();
      closeSync(output);
      resolve(result);
    };
    const timer = setTimeout(() => {
      killGroup();
      settle(() => failed(`${exe}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', (error) => settle(() => failed(`${exe}: ${error.message}`)));
    child.once('exit', (code, signal) => {
      // What the command left in the background must not outlive the check.
      killGroup();
      settle(() => {
        if (code === 0) return passed(`${exe} exited 0`);
        const how = signal ? `killed by ${signal}` : `exit ${code}`;
        const lines = tail(output).trim().split('\n').slice(-5).join('\n');
        return failed(`${exe}: ${lines ? `${how}: ${lines}` : how}`);
      });
    });
  });
}

/**
 * A file only its descriptor reaches. Synchronous on purpose: three metadata calls cost less
 * than the thread-pool round trips of their asynchronous forms, once per check.
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
