import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileNameOf } from '../logbus/file-sink.js';
import { parseCommandArgs } from './args.js';
import type { CommandContext } from './command.js';
import { loadStackFromFlags, STACK_FLAGS, STACK_FLAGS_USAGE, stateDirOf } from './stack-options.js';
import { UsageError } from './usage-error.js';

export const LOGS_USAGE = `Usage: devenv logs [service…] [-f] [--grep PATTERN] [-n LINES] [options]

Prints services' logs from .devenv/logs/ (all services when none are named), oldest first.

  -f, --follow             keep printing new lines until Ctrl-C
      --grep PATTERN       only lines matching this regular expression (case-insensitive)
  -n, --tail LINES         the last LINES lines of each service (default 100; 0 = all)
${STACK_FLAGS_USAGE}`;

export async function logsCommand(args: readonly string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      ...STACK_FLAGS,
      follow: { type: 'boolean', short: 'f' },
      grep: { type: 'string' },
      tail: { type: 'string', short: 'n' },
      help: { type: 'boolean', short: 'h' },
    },
    LOGS_USAGE,
    true,
  );
  if (values.help) {
    ctx.out(LOGS_USAGE);
    return 0;
  }
  let pattern: RegExp | undefined;
  try {
    pattern = values.grep === undefined ? undefined : new RegExp(values.grep, 'i');
  } catch (error) {
    throw new UsageError(`--grep ${values.grep}: ${(error as Error).message}`, LOGS_USAGE);
  }
  const tail = Number(values.tail ?? 100);
  if (!Number.isInteger(tail) || tail < 0)
    throw new UsageError(`--tail ${values.tail}: expected a whole number`, LOGS_USAGE);
  const stack = await loadStackFromFlags(values, ctx);
  if (!stack) return 2;
  const unknown = positionals.filter((p) => !stack.services[p]);
  if (unknown.length > 0)
    throw new UsageError(
      `no service named ${unknown.join(', ')}; services: ${Object.keys(stack.services).join(', ')}`,
      LOGS_USAGE,
    );

  const dir = join(stateDirOf(stack, ctx), 'logs');
  const available = new Set(await readdir(dir).catch(() => []));
  const services = (positionals.length > 0 ? positionals : Object.keys(stack.services)).filter(
    (s) => available.has(`${fileNameOf(s)}.log`),
  );
  if (services.length === 0) {
    ctx.err(`no logs yet in ${dir} (start the stack with \`devenv up\`)`);
    return positionals.length > 0 ? 1 : 0;
  }
  const width = Math.max(...services.map((s) => s.length));
  const show = (service: string, line: string) => {
    if (line.length > 0 && (!pattern || pattern.test(line)))
      ctx.out(services.length > 1 ? `${service.padEnd(width)} | ${line}` : line);
  };
  const offsets = new Map<string, number>();
  for (const service of services) {
    const path = join(dir, `${fileNameOf(service)}.log`);
    const { text, size } = await readFrom(path, 0);
    const lines = text.split('\n').filter((l) => l.length > 0 && (!pattern || pattern.test(l)));
    for (const line of tail === 0 ? lines : lines.slice(-tail)) show(service, line);
    offsets.set(service, size);
  }
  if (!values.follow) return 0;
  const stopped = new Promise<void>((resolve) => process.once('SIGINT', resolve));
  let running = true;
  void stopped.then(() => (running = false));
  const partial = new Map<string, string>();
  while (running) {
    for (const service of services) {
      const path = join(dir, `${fileNameOf(service)}.log`);
      const size = (await stat(path).catch(() => undefined))?.size ?? 0;
      // A smaller file was rotated: start again from its beginning.
      const from = size < (offsets.get(service) ?? 0) ? 0 : (offsets.get(service) ?? 0);
      if (size === from) continue;
      const chunk = await readFrom(path, from);
      offsets.set(service, chunk.size);
      const lines = ((partial.get(service) ?? '') + chunk.text).split('\n');
      partial.set(service, lines.pop() ?? '');
      for (const line of lines) show(service, line);
    }
    await Promise.race([sleep(200), stopped]);
  }
  return 0;
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
