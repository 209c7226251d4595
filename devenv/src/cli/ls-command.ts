import { listRegistry, type RegistryEntry } from '../session/registry.js';
import { readStateSnapshot, stateSnapshotPath } from '../session/state-snapshot.js';
import { parseCommandArgs } from './args.js';
import type { Command } from './command.js';
import {
  filterLines,
  lsTable,
  parseLsFilters,
  projectStatus,
  type ProjectLine,
} from './ls-view.js';
import { UsageError } from './usage-error.js';

export const LS_USAGE = `Usage: devenv ls [-a] [--format table|json] [-q] [--filter name=TEXT]

Lists the devenv projects running on this machine for this user, as \`docker compose ls\` does:
NAME, STATUS (services counted by state, e.g. running(3)) and CONFIG FILES. Each \`devenv up\`
records itself in $XDG_RUNTIME_DIR/devenv/sessions (else ~/.cache/devenv/sessions); a devenv
that was killed is dropped from the list.

  -a, --all                also the projects stopped in the last 7 days (status exited)
      --format FORMAT      table (default) or json
  -q, --quiet              only the project names
      --filter name=TEXT   only projects whose name contains TEXT (repeatable)`;

const OPTIONS = {
  all: { type: 'boolean', short: 'a' },
  format: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  filter: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

export const lsCommand: Command = async (args, ctx) => {
  const { values } = parseCommandArgs(args, OPTIONS, LS_USAGE);
  if (values.help) {
    ctx.out(LS_USAGE);
    return 0;
  }
  const format = values.format ?? 'table';
  if (format !== 'table' && format !== 'json')
    throw new UsageError(`--format ${format}: expected table or json`, LS_USAGE);
  const filters = parseLsFilters(values.filter ?? []);
  if ('problem' in filters) throw new UsageError(filters.problem, LS_USAGE);

  const { running, stopped } = await listRegistry(ctx.env);
  const lines = filterLines(
    [...running.map(runningLine), ...(values.all ? stopped.map(stoppedLine) : [])],
    filters.names,
  );
  if (values.quiet) {
    if (lines.length > 0) ctx.out(lines.map((l) => l.Name).join('\n'));
  } else if (format === 'json') ctx.out(JSON.stringify(lines));
  else ctx.out(lsTable(lines));
  return 0;
};

function runningLine(entry: RegistryEntry): ProjectLine {
  const state = readStateSnapshot(stateSnapshotPath(entry.stateDir), entry.pid);
  return { Name: entry.projectName, Status: projectStatus(state), ConfigFiles: files(entry) };
}

/** devenv removes a stopped project's containers and processes: nothing is left to count. */
function stoppedLine(entry: RegistryEntry): ProjectLine {
  return { Name: entry.projectName, Status: 'exited', ConfigFiles: files(entry) };
}

const files = (entry: RegistryEntry) => entry.configFiles.join(',');
