import { dirname } from 'node:path';
import { controlSocketPath } from '../control/socket-path.js';
import {
  listServices,
  requestAction,
  type ControlClientFailure,
} from '../control/control-client.js';
import {
  DEFAULT_WAIT_MS,
  MAX_WAIT_MS,
  type ActionAnswer,
  type ControlAction,
} from '../control/protocol.js';
import { sessionOwnerAlive } from '../session/reap.js';
import { readSession, sessionPath } from '../session/session-file.js';
import { parseCommandArgs } from './args.js';
import type { Command, CommandContext } from './command.js';
import {
  CONTROL_FLAGS,
  loadStackFromFlags,
  STACK_FLAGS_USAGE,
  stateDirOf,
} from './stack-options.js';
import { styleFor } from './style.js';
import { UsageError } from './usage-error.js';

const WAIT_FLAGS_USAGE = `      --timeout SECONDS    how long to wait for each service to be ready (default ${DEFAULT_WAIT_MS / 1000})
      --no-wait            answer once asked, without waiting for readiness`;

const TAIL_USAGE = `      --json               one JSON object: {"SERVICE": {"ok": …, "phase", "pid", "restarts", "message"}}
${STACK_FLAGS_USAGE}

Exit status: 0 every service ok, 1 some failed or no devenv runs this stack, 2 usage error
(such as a service the running stack does not have).`;

export const RESTART_USAGE = `Usage: devenv restart [SERVICE…] [options]

Restarts services of the running stack (all when none are named), from any terminal, as \`r\` in
the TUI does: stop, then start again once its dependencies allow; the restart count goes up and it
gets a new pid. Waits until each is ready again, or reports that it crashed.

${WAIT_FLAGS_USAGE}
${TAIL_USAGE}`;

export const STOP_USAGE = `Usage: devenv stop [SERVICE…] [options]

Stops services of the running stack (all when none are named), dependants first, as \`s\` in the
TUI does. A stopped service stays down, whatever its restart policy, until \`devenv start\`.
The rest of the stack keeps running; \`devenv down\` stops devenv itself.

${TAIL_USAGE}`;

export const START_USAGE = `Usage: devenv start [SERVICE…] [options]

Starts stopped services of the running stack again (all when none are named) once their
dependencies allow, and waits until each is ready. Running services are left as they are.

${WAIT_FLAGS_USAGE}
${TAIL_USAGE}`;

const USAGE: Readonly<Record<ControlAction, string>> = {
  restart: RESTART_USAGE,
  stop: STOP_USAGE,
  start: START_USAGE,
};

export const restartCommand: Command = (args, ctx) => serviceControl('restart', args, ctx);
export const stopCommand: Command = (args, ctx) => serviceControl('stop', args, ctx);
export const startCommand: Command = (args, ctx) => serviceControl('start', args, ctx);

/** Asks the `devenv up` of this stack, over its control socket, to restart/stop/start services. */
async function serviceControl(
  action: ControlAction,
  args: readonly string[],
  ctx: CommandContext,
): Promise<number> {
  const usage = USAGE[action];
  const { values, positionals } = parseCommandArgs(args, CONTROL_FLAGS, usage, true);
  if (values.help) {
    ctx.out(usage);
    return 0;
  }
  if (action === 'stop' && (values.timeout !== undefined || values['no-wait']))
    throw new UsageError(
      `${values.timeout !== undefined ? '--timeout' : '--no-wait'} is for restart and start: a stop always waits for its services to exit`,
      usage,
    );
  const timeoutMs = parseTimeout(values.timeout, usage);
  const wait = values['no-wait'] !== true;

  const stack = await loadStackFromFlags(values, ctx);
  if (!stack) return 2;
  const stateDir = stateDirOf(stack, ctx);
  const socket = controlSocketPath(stateDir);

  let services = [...new Set(positionals)];
  if (services.length === 0) {
    const listed = await listServices(socket);
    if (!listed.ok) return await explain(listed.error, action, stateDir, usage, ctx);
    services = listed.value.services.map((s) => s.name);
  }
  // devenv waits up to timeoutMs per request; stops take up to their grace periods on top.
  const answered = await requestAction(
    socket,
    { action, services, wait, timeoutMs },
    timeoutMs + 120_000,
  );
  if (!answered.ok) return await explain(answered.error, action, stateDir, usage, ctx);
  if (values.json) ctx.out(JSON.stringify(answered.value.results, null, 2));
  else printResults(answered.value, ctx);
  summarizeFailures(answered.value, ctx);
  return Object.values(answered.value.results).every((r) => r.ok) ? 0 : 1;
}

function printResults(answer: ActionAnswer, ctx: CommandContext): void {
  const style = styleFor(ctx.stdout, ctx.env);
  const entries = Object.entries(answer.results);
  const width = Math.max(...entries.map(([name]) => name.length));
  for (const [name, result] of entries)
    ctx.out(`${name.padEnd(width)}  ${(result.ok ? style.ok : style.fail)(result.message)}`);
}

/** On stderr, with or without --json: how many failed, and where to look. */
function summarizeFailures(answer: ActionAnswer, ctx: CommandContext): void {
  const entries = Object.entries(answer.results);
  const failed = entries.filter(([, r]) => !r.ok).map(([name]) => name);
  if (failed.length > 0)
    ctx.err(
      `devenv ${answer.action}: ${failed.length} of ${entries.length} failed; \`devenv logs ${failed[0]}\` shows why`,
    );
}

/** Turns a failed exchange into what the user should know and do; returns the exit code. */
async function explain(
  failure: ControlClientFailure,
  action: ControlAction,
  stateDir: string,
  usage: string,
  ctx: CommandContext,
): Promise<number> {
  switch (failure.reason) {
    case 'unknown-service':
      throw new UsageError(failure.message, usage);
    case 'refused':
      ctx.err(`devenv ${action}: ${failure.message}`);
      return 1;
    case 'no-answer':
      ctx.err(
        `devenv ${action}: devenv did not answer properly on ${failure.path}: ${failure.message}`,
      );
      return 1;
    case 'unreachable': {
      const session = readSession(sessionPath(stateDir));
      if (session && (await sessionOwnerAlive(session))) {
        ctx.err(
          `devenv ${action}: devenv (pid ${session.devenvPid}) runs this stack but does not answer on ${failure.path} (${failure.code}); it may be older than \`devenv ${action}\`, or could not open the socket (its output says why). Stop it and run \`devenv up\` again`,
        );
        return 1;
      }
      const project = dirname(stateDir);
      const leftovers = session
        ? ` (the last one, pid ${session.devenvPid}, did not exit cleanly: \`devenv down\` stops what it left)`
        : '';
      ctx.err(
        `devenv ${action}: no devenv is running for this project in ${project}${leftovers}; start it with \`npm run dev\` or \`devenv up\``,
      );
      return 1;
    }
  }
}

function parseTimeout(raw: string | undefined, usage: string): number {
  if (raw === undefined) return DEFAULT_WAIT_MS;
  const seconds = Number(raw);
  const ms = Math.round(seconds * 1000);
  if (!Number.isFinite(seconds) || ms < 1 || ms > MAX_WAIT_MS)
    throw new UsageError(
      `--timeout ${raw}: expected a number of seconds up to ${MAX_WAIT_MS / 1000}`,
      usage,
    );
  return ms;
}
