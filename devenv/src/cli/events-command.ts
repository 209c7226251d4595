import { streamEvents } from '../control/events-client.js';
import type { ServiceEvent } from '../control/events-derive.js';
import { controlSocketPath } from '../control/socket-path.js';
import { parseCommandArgs } from './args.js';
import type { Command } from './command.js';
import { describeControlFailure } from './running-stack.js';
import { loadStackFromFlags, STACK_FLAGS, STACK_FLAGS_USAGE, stateDirOf } from './stack-options.js';

export const EVENTS_USAGE = `Usage: devenv events [SERVICE…] [options]

Streams the events of the running stack's services (all when none are named), as
\`docker compose events\`, one line each, until Ctrl-C or until the stack stops:

  2026-12-05 11:00:00.123000 container start 48213 (name=worker, runtime=native)

Actions: create, start, restart, die (exitCode=N: 128 + the signal's number when a signal
ended it), kill (signal=…), stop, pause, unpause, destroy (a replica scaled away),
health_status: healthy|unhealthy, and reload (a save restarted it; readyMs=…). The id is a
container's id; for a native service the pid of its process group, so each run has its own.

      --json               one JSON object a line: time, type, action, id, service, attributes
${STACK_FLAGS_USAGE}

Exit status: 0 once the stack has stopped, 1 no devenv runs this stack, 2 usage error.`;

const FLAGS = {
  ...STACK_FLAGS,
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Follows the `devenv up` of this stack over its control socket and prints what happens. */
export const eventsCommand: Command = async (args, ctx) => {
  const { values, positionals } = parseCommandArgs(args, FLAGS, EVENTS_USAGE, true);
  if (values.help) {
    ctx.out(EVENTS_USAGE);
    return 0;
  }
  const stack = await loadStackFromFlags(values, ctx);
  if (!stack) return 2;
  const stateDir = stateDirOf(stack, ctx);
  const print = (event: ServiceEvent) =>
    ctx.out(values.json ? JSON.stringify(event) : plainEvent(event));
  const followed = await streamEvents(
    controlSocketPath(stateDir),
    [...new Set(positionals)],
    print,
  );
  if (followed.ok) return 0;
  ctx.err(await describeControlFailure('events', followed.error, stateDir, EVENTS_USAGE));
  return 1;
};

/**
 * As Compose prints an event: local time to the microsecond, "container", the action, the id,
 * then the attributes in parentheses.
 */
export function plainEvent(event: ServiceEvent, offsetMinutes?: number): string {
  const at = new Date(event.time);
  const shift = offsetMinutes ?? -at.getTimezoneOffset();
  const local = new Date(at.getTime() + shift * 60_000).toISOString();
  const time = `${local.slice(0, 10)} ${local.slice(11, 23)}000`;
  const attributes = Object.entries(event.attributes)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
  return `${time} ${event.type} ${event.action} ${event.id} (${attributes})`;
}
