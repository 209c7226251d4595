import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Strict flag parsing: an unknown flag or a stray argument is a usage error, never ignored. */
export function parseCommandArgs<O extends Options>(
  args: readonly string[],
  options: O,
  usage: string,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals });
  } catch (thrown) {
    const message =
      thrown instanceof Error ? (thrown.message.split('\n')[0] ?? thrown.message) : String(thrown);
    throw new UsageError(message, usage);
  }
}
