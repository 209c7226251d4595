import { getState } from '../control/control-client.js';
import { controlSocketPath } from '../control/socket-path.js';
import type { EngineState } from '../engine/service-state.js';
import { readSession, sessionPath } from '../session/session-file.js';
import { sessionOwnerAlive } from '../session/reap.js';
import { readStateSnapshot, stateSnapshotPath } from '../session/state-snapshot.js';
import { parseCommandArgs } from './args.js';
import type { CommandContext } from './command.js';
import { loadStackFromFlags, STACK_FLAGS, STACK_FLAGS_USAGE, stateDirOf } from './stack-options.js';

export const PS_USAGE = `Usage: devenv ps [--json] [options]

Lists the services of the running stack: state, pid, restarts, uptime.

      --json               the same as JSON
${STACK_FLAGS_USAGE}`;

export async function psCommand(args: readonly string[], ctx: CommandContext): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    { ...STACK_FLAGS, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    PS_USAGE,
  );
  if (values.help) {
    ctx.out(PS_USAGE);
    return 0;
  }
  const stack = await loadStackFromFlags(values, ctx);
  if (!stack) return 2;
  const stateDir = stateDirOf(stack, ctx);
  const session = readSession(sessionPath(stateDir));
  const alive = session !== undefined && (await sessionOwnerAlive(session));
  const state = alive ? await liveState(stateDir) : undefined;
  if (values.json) {
    ctx.out(
      JSON.stringify(
        {
          running: alive,
          devenvPid: alive ? session.devenvPid : null,
          services: state ? state.order.map((n) => state.services[n]) : [],
        },
        null,
        2,
      ),
    );
    return 0;
  }
  if (!alive || !state) {
    ctx.out('not running (start it with `npm run dev` or `devenv up`)');
    return 0;
  }
  const now = Date.now();
  const width = Math.max(7, ...state.order.map((n) => n.length));
  ctx.out(
    `${'SERVICE'.padEnd(width)}  ${'STATE'.padEnd(11)}  ${'PID'.padEnd(7)}  RESTARTS  UPTIME`,
  );
  for (const name of state.order) {
    const s = state.services[name]!;
    const uptime = s.startedAt && s.pid ? `${Math.round((now - s.startedAt) / 1000)}s` : '-';
    // Older snapshots lack the field.
    const phase = s.paused === true ? 'paused' : s.phase;
    ctx.out(
      `${name.padEnd(width)}  ${phase.padEnd(11)}  ${String(s.pid ?? '-').padEnd(7)}  ${String(s.restarts).padEnd(8)}  ${uptime}${s.reason ? `  ${s.reason}` : ''}`,
    );
  }
  return 0;
}

/**
 * The running devenv's state, asked over its control socket: the state file trails changes by up
 * to 200 ms (a `ps` right after a restart would show the old pid). The file when the socket does
 * not answer (a devenv started without one, or one busy past the timeout).
 */
async function liveState(stateDir: string): Promise<EngineState | undefined> {
  const asked = await getState(controlSocketPath(stateDir));
  return asked.ok ? asked.value.state : readStateSnapshot(stateSnapshotPath(stateDir));
}
