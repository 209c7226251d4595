import { constants } from 'node:os';
import { withoutNeedlessShell } from './direct-command.js';
import type { SpawnOutcome } from './exec-spawner-protocol.js';
import { spawnDirectly } from './exec-spawner-direct.js';
import { warmSpawner } from './exec-spawner.js';
import { failed, passed, type ProbeOutcome } from './probe-outcome.js';

/**
 * Ready when the command exits 0 (like a Compose healthcheck's CMD), run as it is written (a
 * `sh -c` of plain words runs its program directly, direct-command.ts). The command leads a
 * process group of its own, killed whole when the command exits or the time is up: what it left
 * running in the background cannot pile up from check to check. Its output is read only when
 * the check fails.
 *
 * A probe runs every few seconds per service, so what it costs is most of devenv's idle CPU,
 * and most of that was forking devenv's own ~100 MB process: the warm spawner (exec-spawner.ts)
 * forks a small one instead, and devenv spawns the command itself only where there is none.
 */
export async function probeExec(
  command: readonly string[],
  cwd: string,
  timeoutMs: number,
): Promise<ProbeOutcome> {
  const words = withoutNeedlessShell(command);
  const exe = words[0];
  if (exe === undefined) return failed('empty probe command');
  const outcome =
    (await warmSpawner.run(words, cwd, timeoutMs)) ?? (await spawnDirectly(words, cwd, timeoutMs));
  return describe(exe, outcome, timeoutMs);
}

function describe(exe: string, outcome: SpawnOutcome, timeoutMs: number): ProbeOutcome {
  switch (outcome.kind) {
    case 'timeout':
      return failed(`${exe}: no answer within ${timeoutMs} ms`);
    case 'error':
      return failed(`${exe}: ${outcome.message}`);
    case 'exit':
      if (outcome.code === 0) return passed(`${exe} exited 0`);
      return failed(`${exe}: ${withOutput(`exit ${outcome.code}`, outcome.output)}`);
    case 'signal':
      return failed(
        `${exe}: ${withOutput(`killed by ${signalName(outcome.signal)}`, outcome.output)}`,
      );
  }
}

function withOutput(how: string, output: string): string {
  const lines = output.trim().split('\n').slice(-5).join('\n');
  return lines ? `${how}: ${lines}` : how;
}

function signalName(signal: number): string {
  const name = Object.entries(constants.signals).find(([, number]) => number === signal)?.[0];
  return name ?? `signal ${signal}`;
}
