import { spawn } from 'node:child_process';
import { failed, passed, type ProbeOutcome } from './probe-outcome.js';

const TAIL_BYTES = 4 * 1024;

/**
 * Ready when the command exits 0 (like a Compose healthcheck's CMD). The command leads a process
 * group of its own, killed whole when the command exits or the time is up: what it left running
 * in the background cannot pile up from check to check, nor hold the pipes and with them the
 * answer.
 */
export function probeExec(
  command: readonly string[],
  cwd: string,
  timeoutMs: number,
): Promise<ProbeOutcome> {
  const [exe, ...args] = command;
  if (exe === undefined) return Promise.resolve(failed('empty probe command'));
  return new Promise((resolve) => {
    let tail = '';
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const child = spawn(exe, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const keep = (chunk: Buffer) => (tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is gone already.
      }
    };
    const settle = (outcome: ProbeOutcome) => {
      clearTimeout(timer);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve(outcome);
    };
    const judge = () => {
      if (exit === undefined) return failed(`${exe}: no answer within ${timeoutMs} ms`);
      if (exit.code === 0) return passed(`${exe} exited 0`);
      const how = exit.signal ? `killed by ${exit.signal}` : `exit ${exit.code}`;
      const lines = tail.trim().split('\n').slice(-5).join('\n');
      return failed(`${exe}: ${lines ? `${how}: ${lines}` : how}`);
    };
    // At the deadline the answer is given whatever still holds the pipes (a grandchild that
    // left the group with setsid would hold them for as long as it lives).
    const timer = setTimeout(() => {
      killGroup();
      settle(judge());
    }, timeoutMs);
    child.once('error', (error) => settle(failed(`${exe}: ${error.message}`)));
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      // What the command left in the background must not outlive the check, nor hold its pipes.
      killGroup();
    });
    // After the exit: the last of the output is read by then.
    child.once('close', () => settle(judge()));
  });
}
