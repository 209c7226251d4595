import { listServices, requestSignal } from '../control/control-client.js';
import { controlSocketPath } from '../control/socket-path.js';
import type { SignalAction, SignalAnswer } from '../control/signal-protocol.js';
import { isRunning, type ServicePhase } from '../engine/service-state.js';
import { parseKillSignal } from '../runtime/signal-names.js';
import { parseCommandArgs } from './args.js';
import type { Command, CommandContext } from './command.js';
import { describeControlFailure } from './running-stack.js';
import { loadStackFromFlags, STACK_FLAGS, STACK_FLAGS_USAGE, stateDirOf } from './stack-options.js';
import { styleFor } from './style.js';
import { UsageError } from './usage-error.js';

const TAIL_USAGE = `      --json               one JSON object: {"SERVICE": {"ok", "phase", "pid", "paused", "message"}}
${STACK_FLAGS_USAGE}

Exit status: 0 every service ok, 1 some service is not running or no devenv runs this stack,
2 usage error (an unknown signal, a service the running stack does not have).`;

export const KILL_USAGE = `Usage: devenv kill [-s SIGNAL] [SERVICE…] [options]

Sends a signal, SIGKILL unless told, to running services of the stack (every running one when
none are named), as \`docker compose kill\`: natively to the service's whole process group, in a
container to its main process (the Engine's kill).

SIGKILL, or the service's \`stop_signal\` (SIGTERM when unset), ends the run as a stop does,
as the Docker Engine decides it: once it exits the service stays down, whatever its \`restart:\`
policy, until \`devenv start\`. Any other signal (SIGHUP to make it reload, say) is left to the
service: should it exit, its restart policy applies as to any exit.

  -s, --signal SIGNAL      by name (SIGHUP, HUP) or number (1); default SIGKILL
${TAIL_USAGE}`;

export const PAUSE_USAGE = `Usage: devenv pause [SERVICE…] [options]

Freezes running services (every running one when none are named), as \`docker compose pause\`:
natively SIGSTOP to the service's process group, in a container \`docker pause\`. \`devenv ps\`
shows them paused; their probes wait, so devenv does not take a frozen service for a hung one
and replace it. \`devenv unpause\` lets them run again.

${TAIL_USAGE}`;

export const UNPAUSE_USAGE = `Usage: devenv unpause [SERVICE…] [options]

Lets paused services run again (every paused one when none are named), as \`docker compose
unpause\`: natively SIGCONT to the process group, in a container \`docker unpause\`. Their probes
start again at once.

${TAIL_USAGE}`;

const USAGE: Readonly<Record<SignalAction, string>> = {
  kill: KILL_USAGE,
  pause: PAUSE_USAGE,
  unpause: UNPAUSE_USAGE,
};

const KILL_FLAGS = {
  ...STACK_FLAGS,
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  signal: { type: 'string', short: 's' },
} as const;

export const killCommand: Command = (args, ctx) => signalCommand('kill', args, ctx);
export const pauseCommand: Command = (args, ctx) => signalCommand('pause', args, ctx);
export const unpauseCommand: Command = (args, ctx) => signalCommand('unpause', args, ctx);

/** Asks the `devenv up` of this stack, over its control socket, to kill, pause or unpause. */
async function signalCommand(
  action: SignalAction,
  args: readonly string[],
  ctx: CommandContext,
): Promise<number> {
  const usage = USAGE[action];
  const { values, positionals } = parseCommandArgs(args, KILL_FLAGS, usage, true);
  if (values.help) {
    ctx.out(usage);
    return 0;
  }
  if (action !== 'kill' && values.signal !== undefined)
    throw new UsageError(
      `-s is for devenv kill: ${action} sends no signal of your choosing`,
      usage,
    );
  const signal = killSignal(values.signal, usage);
  const stack = await loadStackFromFlags(values, ctx);
  if (!stack) return 2;
  const stateDir = stateDirOf(stack, ctx);
  const socket = controlSocketPath(stateDir);
  const fail = async (failure: Parameters<typeof describeControlFailure>[1]) => {
    ctx.err(await describeControlFailure(action, failure, stateDir, usage));
    return 1;
  };

  let services = [...new Set(positionals)];
  if (services.length === 0) {
    const listed = await listServices(socket);
    if (!listed.ok) return fail(listed.error);
    services = listed.value.services
      .filter((s) => isRunning(s.phase as ServicePhase) && (action !== 'unpause') !== s.paused)
      .map((s) => s.name);
    if (services.length === 0) {
      ctx.out(`nothing to ${action}: no service is ${action === 'unpause' ? 'paused' : 'running'}`);
      return 0;
    }
  }
  const answered = await requestSignal(
    socket,
    action === 'kill'
      ? { kind: 'signal', action, services, signal: signal ?? 'SIGKILL' }
      : { kind: 'signal', action, services },
  );
  if (!answered.ok) return fail(answered.error);
  if (values.json) ctx.out(JSON.stringify(answered.value.results, null, 2));
  else printResults(answered.value, ctx);
  return Object.values(answered.value.results).every((r) => r.ok) ? 0 : 1;
}

/** `-s SIGNAL` checked here, before any devenv is asked: a usage error names the flag. */
function killSignal(raw: unknown, usage: string): NodeJS.Signals | undefined {
  if (typeof raw !== 'string') return undefined;
  const parsed = parseKillSignal(raw);
  if (!parsed.ok) throw new UsageError(`-s ${raw}: ${parsed.error}`, usage);
  return parsed.value;
}

function printResults(answer: SignalAnswer, ctx: CommandContext): void {
  const style = styleFor(ctx.stdout, ctx.env);
  const entries = Object.entries(answer.results);
  const width = Math.max(...entries.map(([name]) => name.length));
  for (const [name, result] of entries)
    ctx.out(`${name.padEnd(width)}  ${(result.ok ? style.ok : style.fail)(result.message)}`);
}
