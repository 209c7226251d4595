import type { LogLevel } from './log-record.js';

/** Severity order, in pino's numbers, so `minLevel` filters compare one integer. */
export const LEVEL_RANK: Readonly<Record<LogLevel, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
};

/**
 * Pino's numeric levels (10 trace … 60 fatal). Custom levels in between fall to the level below,
 * so a custom 35 still reads as info rather than vanishing.
 */
export function levelFromNumber(n: number): LogLevel | undefined {
  if (!Number.isFinite(n) || n < 0) return undefined;
  if (n < 20) return 'trace';
  if (n < 30) return 'debug';
  if (n < 40) return 'info';
  if (n < 50) return 'warn';
  if (n < 60) return 'error';
  return 'fatal';
}

/** Level names as pino, zap (Temporal server), slog, winston and Python's logging spell them. */
const NAMED: Readonly<Record<string, LogLevel>> = {
  trace: 'trace',
  silly: 'trace',
  debug: 'debug',
  verbose: 'debug',
  info: 'info',
  information: 'info',
  notice: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  err: 'error',
  dpanic: 'error',
  fatal: 'fatal',
  panic: 'fatal',
  critical: 'fatal',
  crit: 'fatal',
  alert: 'fatal',
  emerg: 'fatal',
};

/** The names again in upper case (slog, Python, zap's capital encoder): no lower-casing per line. */
const NAMED_ANY_CASE: Readonly<Record<string, LogLevel>> = {
  ...NAMED,
  ...Object.fromEntries(Object.entries(NAMED).map(([name, level]) => [name.toUpperCase(), level])),
};

export function levelFromName(name: string): LogLevel | undefined {
  return Object.hasOwn(NAMED_ANY_CASE, name) ? NAMED_ANY_CASE[name] : lookupLowered(name);
}

function lookupLowered(name: string): LogLevel | undefined {
  if (name.length > 12) return undefined;
  const lowered = name.toLowerCase();
  return Object.hasOwn(NAMED, lowered) ? NAMED[lowered] : undefined;
}
