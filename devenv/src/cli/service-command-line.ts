import type { ParseArgsConfig } from 'node:util';
import { parseCommandArgs } from './args.js';
import { UsageError } from './usage-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `devenv exec|run [OPTIONS] SERVICE [--] [COMMAND…]` as Compose reads it: options end at the
 * service's name, and everything after it is the command's, however many dashes it has
 * (`devenv exec db psql -c 'select 1'`).
 */
export function parseServiceCommandLine<O extends Options>(
  args: readonly string[],
  options: O,
  usage: string,
) {
  const at = serviceIndex(args, options);
  const parsed = parseCommandArgs(at === undefined ? args : args.slice(0, at), options, usage);
  if (at === undefined) return { values: parsed.values, service: undefined, command: [] };
  const rest = args.slice(at + 1);
  return {
    values: parsed.values,
    service: args[at]!,
    command: rest[0] === '--' ? rest.slice(1) : rest,
  };
}

/** Where the service's name is: the first argument that is neither an option nor its value. */
function serviceIndex(args: readonly string[], options: Options): number | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return i + 1 < args.length ? i + 1 : undefined;
    if (!arg.startsWith('-') || arg === '-') return i;
    if (arg.startsWith('--')) {
      if (!arg.includes('=') && options[arg.slice(2)]?.type === 'string') i++;
      continue;
    }
    if (takesValueAfter(arg.slice(1), options)) i++;
  }
  return undefined;
}

/** `-e` alone, or a cluster such as `-Te`, whose last option reads the next argument. */
function takesValueAfter(cluster: string, options: Options): boolean {
  for (let c = 0; c < cluster.length; c++) {
    const option = Object.values(options).find((o) => o.short === cluster[c]);
    if (option?.type === 'string') return c === cluster.length - 1;
  }
  return false;
}

/** `-e KEY=VAL` (repeatable), as Compose: a bare `KEY` takes the value this shell has. */
export function parseEnvFlags(
  given: readonly string[] | undefined,
  env: NodeJS.ProcessEnv,
  usage: string,
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const entry of given ?? []) {
    const equals = entry.indexOf('=');
    const key = equals < 0 ? entry : entry.slice(0, equals);
    if (!/^[^\s=]+$/.test(key))
      throw new UsageError(`-e ${entry}: expected KEY=VALUE (or KEY, to pass this shell's)`, usage);
    const value = equals < 0 ? env[key] : entry.slice(equals + 1);
    if (value !== undefined) environment[key] = value;
  }
  return environment;
}
