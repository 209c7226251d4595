import { requestStats } from '../control/events-client.js';
import type { StatsSample } from '../control/stats-protocol.js';
import { controlSocketPath } from '../control/socket-path.js';
import { parseCommandArgs } from './args.js';
import type { Command } from './command.js';
import { describeControlFailure } from './running-stack.js';
import { loadStackFromFlags, STACK_FLAGS, STACK_FLAGS_USAGE, stateDirOf } from './stack-options.js';
import { UsageError } from './usage-error.js';
import { renderStats, statsFormat } from './stats-view.js';

export const STATS_USAGE = `Usage: devenv stats [SERVICE…] [options]

Shows what the running services use (all when none are named), as \`docker compose stats\`:
CPU % (of one core; measured over half a second), memory in use and its limit, network and
block I/O, and the number of processes. A native service is its whole process group, read
from /proc (its ID is the group's pid; the limit is the machine's memory; its network I/O is
the host's, shown as --); a container is what the Engine's stats report. Redraws every second
on a terminal, appends a sample a second otherwise, until Ctrl-C.

      --no-stream          print one sample and exit
      --no-trunc           full container ids
      --format FORMAT      table (default), json (a JSON object a line, with docker's fields
                           BlockIO, CPUPerc, Container, ID, MemPerc, MemUsage, Name, NetIO,
                           PIDs), or a template such as "table {{.Name}}\\t{{.CPUPerc}}"
${STACK_FLAGS_USAGE}

Exit status: 0, 1 no devenv runs this stack, 2 usage error.`;

const FLAGS = {
  ...STACK_FLAGS,
  'no-stream': { type: 'boolean' },
  'no-trunc': { type: 'boolean' },
  format: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Time from one sample's request to the next: the sample itself takes half of it. */
const PERIOD_MS = 1_000;
/** ANSI: clear the screen, cursor home; as docker stats redraws. */
const CLEAR = '\u001b[2J\u001b[H';

export const statsCommand: Command = async (args, ctx) => {
  const { values, positionals } = parseCommandArgs(args, FLAGS, STATS_USAGE, true);
  if (values.help) {
    ctx.out(STATS_USAGE);
    return 0;
  }
  const format = statsFormat(values.format);
  if (!format.ok) throw new UsageError(`--format ${values.format}: ${format.error}`, STATS_USAGE);
  const stack = await loadStackFromFlags(values, ctx);
  if (!stack) return 2;
  const stateDir = stateDirOf(stack, ctx);
  const socket = controlSocketPath(stateDir);
  const names = [...new Set(positionals)];
  const redraw = ctx.stdout.isTTY === true && format.value.kind !== 'json';
  let closed = false;
  ctx.onOutputClosed?.(() => (closed = true));
  for (let round = 0; !closed; round++) {
    const started = Date.now();
    const answered = await requestStats(socket, names);
    if (!answered.ok) {
      // The stack stopped under a stream that was showing it: what there was to show has ended.
      if (round > 0 && answered.error.reason === 'unreachable') return 0;
      ctx.err(await describeControlFailure('stats', answered.error, stateDir, STATS_USAGE));
      return 1;
    }
    const text = renderStats(answered.value.samples as StatsSample[], format.value, {
      truncate: !values['no-trunc'],
    });
    ctx.out(redraw ? `${CLEAR}${text}` : text);
    if (values['no-stream']) return 0;
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, PERIOD_MS - (Date.now() - started))),
    );
  }
  return 0;
};
