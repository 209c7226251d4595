import { err, ok, type Result } from '../../shared/result.js';

/**
 * A service's Compose `logging:` as it bears on devenv's per-service log files. devenv writes every
 * service's output to `.devenv/logs/<service>.log` whatever the driver; `max-size` and `max-file`
 * bound those files, and `driver: none` keeps none.
 */
export type ServiceLogging =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'file';
      /** The driver as written (json-file when none is); another than json-file or local is not run. */
      readonly driver: string;
      /** A file is rotated before it would grow past this. */
      readonly maxFileBytes: number;
      /** Docker's `max-file`: the live file and the rotated ones, together. */
      readonly files: number;
    };

/** devenv's rotation when the file says nothing: 4 files of 10 MiB. */
export const DEFAULT_LOG_FILE_BYTES = 10 * 1024 * 1024;
export const DEFAULT_LOG_FILES = 4;
/** The `local` driver's own defaults (moby's daemon/logger/local): 5 files of 20 MiB. */
const LOCAL_DRIVER_DEFAULTS = { maxFileBytes: 20 * 1024 * 1024, files: 5 };
/** Every rotation renames each kept file; beyond this many it is a typo, not a log policy. */
export const MAX_LOG_FILES = 1000;
/** Drivers whose files devenv's match: the options mean the same, and nothing is lost. */
export const FILE_DRIVERS: readonly string[] = ['json-file', 'local'];

export const DEFAULT_LOGGING: ServiceLogging = {
  kind: 'file',
  driver: 'json-file',
  maxFileBytes: DEFAULT_LOG_FILE_BYTES,
  files: DEFAULT_LOG_FILES,
};

/** A problem with a `logging:` value, at a path below `logging`. */
export interface LoggingProblem {
  readonly path: readonly string[];
  readonly message: string;
  readonly hint: string;
}

/** Decimal, as Docker's json-file and local drivers read `max-size` (go-units' FromHumanSize). */
const SIZE_UNITS: Readonly<Record<string, number>> = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12 };
const SIZE = /^(\d+(?:\.\d+)?) ?([kmgt]?)i?b?$/i;
const SIZE_HINT = 'write a size like 10m, 500k or 1g (k = 1000 bytes), or a number of bytes';

/** `max-size`: `10m`, `500k`, `1g`, `2048` (bytes); `i` and `b` are allowed and change nothing. */
export function parseLogSize(value: unknown): Result<number, string> {
  if (typeof value !== 'string' && typeof value !== 'number')
    return err('expected a size like 10m');
  const text = String(value);
  const match = SIZE.exec(text);
  if (!match) return err(`"${text}" is not a size`);
  const bytes = Math.floor(Number(match[1]) * (SIZE_UNITS[match[2]!.toLowerCase()] ?? 1));
  if (bytes < 1) return err(`"${text}" is less than a byte`);
  if (!Number.isSafeInteger(bytes)) return err(`"${text}" is too large`);
  return ok(bytes);
}

/** `max-file`: how many files to keep, the live one included, 1 to MAX_LOG_FILES. */
export function parseMaxFile(value: unknown): Result<number, string> {
  if (typeof value !== 'string' && typeof value !== 'number')
    return err('expected a number of files');
  const text = String(value);
  if (!/^\+?\d+$/.test(text)) return err(`"${text}" is not a whole number`);
  const files = Number(text);
  if (files < 1 || files > MAX_LOG_FILES)
    return err(`${text} is not between 1 and ${MAX_LOG_FILES}`);
  return ok(files);
}

/**
 * Reads `logging:` (absent or null: devenv's rotation). Unset options take the driver's defaults:
 * with `max-size` alone one file, as Docker keeps; without either, devenv's 4 × 10 MiB (Docker
 * keeps a json-file log unbounded, which no development machine wants).
 */
export function readLogging(raw: unknown): Result<ServiceLogging, LoggingProblem[]> {
  if (raw === undefined || raw === null) return ok(DEFAULT_LOGGING);
  if (!isMapping(raw))
    return err([problem([], 'expected a mapping {driver, options}', 'write {driver: json-file}')]);
  const driver = raw['driver'] ?? 'json-file';
  if (typeof driver !== 'string')
    return err([problem(['driver'], 'expected a driver name', 'write e.g. driver: json-file')]);
  const options = raw['options'] ?? {};
  if (!isMapping(options))
    return err([problem(['options'], 'expected a mapping', 'write e.g. options: {max-size: 10m}')]);
  const problems: LoggingProblem[] = [];
  const size = optional(options['max-size'], parseLogSize, ['options', 'max-size'], SIZE_HINT);
  const files = optional(options['max-file'], parseMaxFile, ['options', 'max-file'], FILES_HINT);
  for (const read of [size, files]) if (!read.ok) problems.push(read.error);
  if (!size.ok || !files.ok) return err(problems);
  if (driver === 'none') return ok({ kind: 'none' });
  const defaults =
    driver === 'local'
      ? LOCAL_DRIVER_DEFAULTS
      : { maxFileBytes: DEFAULT_LOG_FILE_BYTES, files: DEFAULT_LOG_FILES };
  return ok({
    kind: 'file',
    driver,
    maxFileBytes: size.value ?? defaults.maxFileBytes,
    files: files.value ?? (size.value !== undefined && driver !== 'local' ? 1 : defaults.files),
  });
}

const FILES_HINT = `write the number of files to keep, the live one included (1 to ${MAX_LOG_FILES})`;

/**
 * The warning a driver devenv does not run earns (syslog, fluentd, gelf, awslogs, …): the service
 * logs to a file instead. Undefined for json-file, local and none.
 */
export function loggingWarning(
  service: string,
  logging: ServiceLogging,
  path: string,
): string | undefined {
  if (logging.kind === 'none' || FILE_DRIVERS.includes(logging.driver)) return undefined;
  return (
    `warning: service "${service}" asks for the "${logging.driver}" logging driver, which devenv ` +
    `does not run; its output goes to ${path} instead (and to the TUI and \`devenv logs\`)`
  );
}

function optional<T>(
  value: unknown,
  parse: (value: unknown) => Result<T, string>,
  path: readonly string[],
  hint: string,
): Result<T | undefined, LoggingProblem> {
  if (value === undefined || value === null) return ok(undefined);
  const parsed = parse(value);
  return parsed.ok ? parsed : err(problem(path, parsed.error, hint));
}

function problem(path: readonly string[], message: string, hint: string): LoggingProblem {
  return { path, message, hint };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
