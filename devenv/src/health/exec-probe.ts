import { describeOutcome, runCommand } from '../process/run-command.js';
import { failed, passed, type ProbeOutcome } from './probe-outcome.js';

/** Ready when the command exits 0 (like a Compose healthcheck's CMD). */
export async function probeExec(
  command: readonly string[],
  cwd: string,
  timeoutMs: number,
): Promise<ProbeOutcome> {
  const [exe, ...args] = command;
  if (exe === undefined) return failed('empty probe command');
  const outcome = await runCommand(exe, args, { cwd, timeoutMs });
  return outcome.code === 0
    ? passed(`${exe} exited 0`)
    : failed(`${exe}: ${describeOutcome(outcome)}`);
}
