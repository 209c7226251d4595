import { getState } from '../control/control-client.js';
import { controlSocketPath } from '../control/socket-path.js';
import type { EngineState } from '../engine/service-state.js';
import { readSession, sessionPath } from '../session/session-file.js';
import { sessionOwnerAlive } from '../session/reap.js';
import { readStateSnapshot, stateSnapshotPath } from '../session/state-snapshot.js';
import { parseCommandArgs } from './args.js';
import type { CommandContext } from './command.js';
import { notRunningNote, parsePsFormat, renderRows, type PsFormat } from './ps-format.js';
import { instanceOf, psRows } from './ps-row.js';
import {
  COMPOSE_STATES,
  parseStatusFilters,
  quietIds,
  selectRows,
  serviceNames,
  type ComposeState,
} from './ps-view.js';
import { loadStackFromFlags, STACK_FLAGS, STACK_FLAGS_USAGE, stateDirOf } from './stack-options.js';
import { UsageError } from './usage-error.js';

export const PS_USAGE = `Usage: devenv ps [options] [SERVICE...]

Lists the services of the running stack, as \`docker compose ps\` lists containers. Like
Compose, only running ones (also paused and restarting) unless -a; the table then notes the
others and why they do not run. A replica is SERVICE-N; its id is its container's, or natively
its pid.

  -a, --all                also services that do not run: exited, stopped, waiting to start
  -q, --quiet              only ids (whole container ids; pids), one a line
      --services           only service names (a replicated service once)
      --status STATE       only services in this state (repeatable; implies -a):
                           ${COMPOSE_STATES.join(', ')}
      --filter status=S    the same as --status S
      --format FORMAT      table (default: name, phase, pid, restarts, uptime, reason),
                           json (an object a line: Compose's Name, Service, State, Health,
                           ExitCode, Status, Publishers, …, and Pid, Restarts, Runtime, Phase),
                           or a template: '{{.Service}} {{.State}}', 'table {{.Name}}\\t{{.ID}}'
      --no-trunc           whole container ids and commands
      --orphans[=false]    false: only services the Compose file declares now (default true)
      --json               the whole state as one JSON object {running, devenvPid, services}
${STACK_FLAGS_USAGE}`;

const PS_FLAGS = {
  ...STACK_FLAGS,
  json: { type: 'boolean' },
  all: { type: 'boolean', short: 'a' },
  quiet: { type: 'boolean', short: 'q' },
  services: { type: 'boolean' },
  status: { type: 'string', multiple: true },
  filter: { type: 'string', multiple: true },
  format: { type: 'string' },
  'no-trunc': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function psCommand(args: readonly string[], ctx: CommandContext): Promise<number> {
  const options = psOptions(args);
  if (options === 'help') {
    ctx.out(PS_USAGE);
    return 0;
  }
  const { values, positionals } = options;
  const stack = await loadStackFromFlags(values, ctx);
  if (!stack) return 2;
  const known = new Set(Object.keys(stack.services).map((n) => instanceOf(stack, n).service));
  const unknown = positionals.find((name) => !known.has(name) && !stack.services[name]);
  if (unknown !== undefined) {
    ctx.err(`devenv ps: no such service: ${unknown}`);
    return 1;
  }
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
    if (options.human) ctx.out('not running (start it with `npm run dev` or `devenv up`)');
    return 0;
  }
  const rows = psRows(state, stack, {
    now: Date.now(),
    // -q prints whole ids whatever --no-trunc says, as Compose does.
    truncate: values['no-trunc'] !== true && values.quiet !== true,
  });
  const { shown, notRunning } = selectRows(rows, (row) => instanceOf(stack, row.Name).declared, {
    all: values.all === true,
    statuses: options.statuses,
    services: positionals,
    orphans: options.orphans,
  });
  if (values.quiet) print(ctx, quietIds(shown));
  else if (values.services) print(ctx, serviceNames(shown));
  else
    print(ctx, [
      ...renderRows(shown, options.format),
      ...(options.human ? notRunningNote(notRunning) : []),
    ]);
  return 0;
}

/** The flags read and checked before anything is loaded: a mistake is a usage error (exit 2). */
function psOptions(args: readonly string[]) {
  const { rest, orphans } = takeOrphansFlag(args);
  const { values, positionals } = parseCommandArgs(rest, PS_FLAGS, PS_USAGE, true);
  if (values.help) return 'help';
  const statuses = parseStatusFilters(values.status ?? [], values.filter ?? []);
  if (!statuses.ok) throw new UsageError(statuses.error, PS_USAGE);
  const format = parsePsFormat(values.format);
  if (!format.ok) throw new UsageError(`--format ${values.format}: ${format.error}`, PS_USAGE);
  const selecting =
    values.quiet || values.services || values.status || values.filter || values.format;
  if (values.json && (selecting || positionals.length > 0))
    throw new UsageError(
      '--json prints the whole state as it is; use --format json to select services',
      PS_USAGE,
    );
  const statusList: readonly ComposeState[] = statuses.value;
  const formatValue: PsFormat = format.value;
  // The default table, for people: it also says which services do not run, and why.
  const human = !selecting;
  return { values, positionals, orphans, statuses: statusList, format: formatValue, human };
}

function print(ctx: CommandContext, lines: readonly string[]): void {
  if (lines.length > 0) ctx.out(lines.join('\n'));
}

/**
 * Compose's `--orphans` is a flag that defaults to true (`--orphans=false` turns it off), which
 * node's parseArgs cannot read as a boolean; taken out before it runs.
 */
function takeOrphansFlag(args: readonly string[]): {
  readonly rest: string[];
  readonly orphans: boolean;
} {
  let orphans = true;
  const rest: string[] = [];
  for (const [i, arg] of args.entries()) {
    if (arg === '--') {
      rest.push(...args.slice(i));
      break;
    }
    const match = /^--orphans(?:=(.*))?$/.exec(arg);
    if (match === null) {
      rest.push(arg);
      continue;
    }
    const value = match[1];
    if (value === undefined || value === 'true' || value === '1') orphans = true;
    else if (value === 'false' || value === '0') orphans = false;
    else throw new UsageError(`--orphans=${value}: expected true or false`, PS_USAGE);
  }
  return { rest, orphans };
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
