import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileNameOf } from '../logbus/file-sink.js';
import { compileQueries, parseLogQuery, type LogQuery } from '../logbus/log-query.js';
import type { Stack } from '../model/stack.js';
import { parseCommandArgs } from './args.js';
import type { CommandContext } from './command.js';
import { lineMatches, lineOutput, type LineFilter, type LogOutput } from './log-line-view.js';
import { arrivedWithin, parseTimeRange, withTimestamp, type TimeRange } from './log-time-range.js';
import { loadStackFromFlags, STACK_FLAGS, STACK_FLAGS_USAGE, stateDirOf } from './stack-options.js';
import { styleFor } from './style.js';
import { UsageError } from './usage-error.js';

export const LOGS_USAGE = `Usage: devenv logs [service…] [-f] [--grep PATTERN] [--where QUERY] [-n LINES] [options]

Prints services' logs from .devenv/logs/ (all services when none are named), oldest first:
time, level, message, then the line's other fields as key=value.

  -f, --follow             keep printing new lines until Ctrl-C
      --grep PATTERN       only lines matching this regular expression (case-insensitive)
      --where QUERY        only lines with a field of this value (workflowId=…), or
                           level>=warn, level=error; repeat to require several
  -n, --tail LINES         the last LINES lines of each service (default 100; 0 = all)
      --since WHEN         only lines that arrived since WHEN: a time (2026-12-05T10:00:00Z,
                           2026-12-05; local without a zone), Unix seconds, or a duration ago (42m)
      --until WHEN         only lines that arrived until WHEN (same forms)
  -t, --timestamps         each line's arrival time (RFC 3339) in front
      --raw                the lines exactly as in the log files (arrival time, stream, text)
      --json               one JSON object per line (service, stream, ts, level, msg, fields, text)
${STACK_FLAGS_USAGE}`;

/** The services whose log files are printed, and how a line is filtered and prefixed. */
interface LogsView {
  readonly dir: string;
  readonly services: readonly string[];
  show(service: string, line: string): void;
  matches(service: string, line: string): boolean;
}

export async function logsCommand(args: readonly string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseLogsArgs(args);
  if (values.help) {
    ctx.out(LOGS_USAGE);
    return 0;
  }
  const range = parseTimeRange(values.since, values.until, Date.now());
  if (!range.ok) throw new UsageError(range.error, LOGS_USAGE);
  const filter: LineFilter = {
    pattern: grepPattern(values.grep),
    where: wherePredicate(values.where),
  };
  const output = outputOf(values);
  const tail = Number(values.tail ?? 100);
  if (!Number.isInteger(tail) || tail < 0)
    throw new UsageError(`--tail ${values.tail}: expected a whole number`, LOGS_USAGE);
  const stack = await loadStackFromFlags(values, ctx);
  if (!stack) return 2;
  const dir = join(stateDirOf(stack, ctx), 'logs');
  const available = new Set(await readdir(dir).catch(() => []));
  // A replica (`worker-2`) and a one-off run (`worker-run-1`, maybe of a profile's service) have
  // logs of their own.
  const unknown = positionals.filter(
    (p) =>
      !stack.services[p] &&
      !stack.services[p.replace(/-(run-)?\d+$/, '')] &&
      !available.has(`${fileNameOf(p)}.log`),
  );
  if (unknown.length > 0)
    throw new UsageError(
      `no service named ${unknown.join(', ')}; services: ${Object.keys(stack.services).join(', ')}`,
      LOGS_USAGE,
    );

  // A service with replicas logs as SERVICE-1…N: its name stands for their logs too.
  const withReplicas = (name: string): string[] => {
    const prefix = `${fileNameOf(name)}-`;
    const numbers = [...available]
      .filter((file) => file.startsWith(prefix) && file.endsWith('.log'))
      .map((file) => file.slice(prefix.length, -'.log'.length))
      .filter((n) => /^\d+$/.test(n) && !stack.services[`${name}-${n}`])
      .sort((a, b) => Number(a) - Number(b));
    return [name, ...numbers.map((n) => `${name}-${n}`)];
  };
  const named = positionals.length > 0 ? positionals : Object.keys(stack.services);
  const services = [...new Set(named.flatMap(withReplicas))].filter((s) =>
    available.has(`${fileNameOf(s)}.log`),
  );
  const unlogged = await fileless(stack, positionals);
  for (const name of unlogged)
    ctx.err(
      `${name} keeps no log file (\`logging: driver: none\` in the Compose file): its lines show only live, in \`devenv up\``,
    );
  if (services.length === 0) {
    if (unlogged.length === 0)
      ctx.err(`no logs yet in ${dir} (start the stack with \`devenv up\`)`);
    return positionals.length > 0 ? 1 : 0;
  }
  const view = logsView(ctx, dir, services, { filter, output, range: range.value }, values);
  const offsets = await printTails(view, tail);
  if (values.follow) await follow(view, offsets);
  return 0;
}

/** The named services whose `logging:` keeps no file (`driver: none`). */
async function fileless(stack: Stack, named: readonly string[]): Promise<string[]> {
  if (named.length === 0) return [];
  const { stackLogFiles } = await import('../model/logging-files.js');
  const files = stackLogFiles(stack, (service) => service);
  return named.filter((name) => files.rotationOf(name) === undefined);
}

function parseLogsArgs(args: readonly string[]) {
  return parseCommandArgs(
    args,
    {
      ...STACK_FLAGS,
      follow: { type: 'boolean', short: 'f' },
      grep: { type: 'string' },
      where: { type: 'string', multiple: true },
      raw: { type: 'boolean' },
      json: { type: 'boolean' },
      tail: { type: 'string', short: 'n' },
      since: { type: 'string' },
      until: { type: 'string' },
      timestamps: { type: 'boolean', short: 't' },
      help: { type: 'boolean', short: 'h' },
    },
    LOGS_USAGE,
    true,
  );
}

function grepPattern(grep: string | undefined): RegExp | undefined {
  try {
    return grep === undefined ? undefined : new RegExp(grep, 'i');
  } catch (error) {
    throw new UsageError(`--grep ${grep}: ${(error as Error).message}`, LOGS_USAGE);
  }
}

function wherePredicate(where: readonly string[] | undefined): LineFilter['where'] {
  if (where === undefined || where.length === 0) return undefined;
  const queries: LogQuery[] = [];
  for (const text of where) {
    const query = parseLogQuery(text);
    if (!query.ok) throw new UsageError(`--where ${query.error}`, LOGS_USAGE);
    queries.push(query.value);
  }
  return compileQueries(queries);
}

function outputOf(values: { raw?: boolean; json?: boolean }): LogOutput {
  if (values.raw && values.json)
    throw new UsageError('--raw and --json: choose one way to print the lines', LOGS_USAGE);
  return values.raw ? 'raw' : values.json ? 'json' : 'rendered';
}

function logsView(
  ctx: CommandContext,
  dir: string,
  services: readonly string[],
  selection: { filter: LineFilter; output: LogOutput; range: TimeRange },
  flags: { timestamps?: boolean },
): LogsView {
  const { filter, output, range } = selection;
  const options = { showService: services.length > 1, style: styleFor(ctx.stdout, ctx.env) };
  const matches = (service: string, line: string) =>
    arrivedWithin(line, range) && lineMatches(service, line, filter);
  // --raw lines start with their time already; JSON has it as `ts`.
  const stamped = flags.timestamps === true && output === 'rendered';
  return {
    dir,
    services,
    matches,
    show: (service, line) => {
      if (!matches(service, line)) return;
      const shown = lineOutput(service, line, output, options);
      ctx.out(stamped ? withTimestamp(line, shown) : shown);
    },
  };
}

function logPath(view: LogsView, service: string): string {
  return join(view.dir, `${fileNameOf(service)}.log`);
}

/** Prints the last `tail` matching lines of each service (0: all); returns where each file ended. */
async function printTails(view: LogsView, tail: number): Promise<Map<string, number>> {
  const offsets = new Map<string, number>();
  for (const service of view.services) {
    const { text, size } = await readFrom(logPath(view, service), 0);
    const lines = text.split('\n').filter((line) => view.matches(service, line));
    for (const line of tail === 0 ? lines : lines.slice(-tail)) view.show(service, line);
    offsets.set(service, size);
  }
  return offsets;
}

/** Prints lines as they are appended, until Ctrl-C. */
async function follow(view: LogsView, offsets: Map<string, number>): Promise<void> {
  const stopped = new Promise<void>((resolve) => process.once('SIGINT', resolve));
  let running = true;
  void stopped.then(() => (running = false));
  const partial = new Map<string, string>();
  while (running) {
    for (const service of view.services) {
      const path = logPath(view, service);
      const size = (await stat(path).catch(() => undefined))?.size ?? 0;
      // A smaller file was rotated: start again from its beginning.
      const from = size < (offsets.get(service) ?? 0) ? 0 : (offsets.get(service) ?? 0);
      if (size === from) continue;
      const chunk = await readFrom(path, from);
      offsets.set(service, chunk.size);
      const lines = ((partial.get(service) ?? '') + chunk.text).split('\n');
      partial.set(service, lines.pop() ?? '');
      for (const line of lines) view.show(service, line);
    }
    await Promise.race([sleep(200), stopped]);
  }
}

async function readFrom(path: string, offset: number): Promise<{ text: string; size: number }> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return { text: '', size: offset };
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.max(0, size - offset));
    await handle.read(buffer, 0, buffer.length, offset);
    return { text: buffer.toString('utf8'), size };
  } finally {
    await handle.close();
  }
}
