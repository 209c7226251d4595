import { levelFromName, levelFromNumber } from './log-level.js';
import type { LogLevel } from './log-record.js';

/** What a line says about itself; the bus adds service, stream, seq and the arrival time. */
export interface ParsedLine {
  readonly level: LogLevel | undefined;
  readonly msg: string;
  readonly fields: Readonly<Record<string, unknown>>;
  /** Epoch ms from the line's own time field, when it has a readable one. */
  readonly ts: number | undefined;
}

/** Shared by every plain line, so they allocate no fields object. */
export const NO_FIELDS: Readonly<Record<string, unknown>> = Object.freeze({});

/** The largest epoch ms a Date can hold. */
const MAX_DATE_MS = 8.64e15;

const LEVEL_KEYS = ['level', 'levelname', 'severity', 'lvl'] as const;
const MSG_KEYS = ['msg', 'message', 'event'] as const;
const TIME_KEYS = ['time', 'ts', 'timestamp', '@timestamp'] as const;

/**
 * Reads one line. JSON objects (pino, zap as in the Temporal server, structlog, python-json-logger)
 * give level, message, time and fields; anything else is plain text whose level is taken only
 * from an obvious prefix. JSON.parse is tried only when the line looks like an object, so plain
 * lines cost a few char comparisons.
 */
export function parseLine(text: string): ParsedLine {
  if (text.charCodeAt(0) === 123 /* { */ && text.charCodeAt(text.length - 1) === 125 /* } */) {
    const parsed = parseJsonObject(text);
    if (parsed !== undefined) return parsed;
  }
  return { level: sniffLevel(text), msg: text, fields: NO_FIELDS, ts: undefined };
}

function parseJsonObject(text: string): ParsedLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined; // Not JSON after all ("{id} started"): a plain line.
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const obj = value as Record<string, unknown>;

  let level: LogLevel | undefined;
  let levelKey: string | undefined;
  for (const key of LEVEL_KEYS) {
    if (!Object.hasOwn(obj, key)) continue;
    const raw = obj[key];
    level =
      typeof raw === 'number'
        ? levelFromNumber(raw)
        : typeof raw === 'string'
          ? levelFromName(raw)
          : undefined;
    if (level !== undefined) {
      levelKey = key;
      break;
    }
  }

  let msg: string | undefined;
  let msgKey: string | undefined;
  for (const key of MSG_KEYS) {
    const raw = obj[key];
    if (typeof raw === 'string') {
      msg = raw;
      msgKey = key;
      break;
    }
  }

  let ts: number | undefined;
  let timeKey: string | undefined;
  for (const key of TIME_KEYS) {
    if (!Object.hasOwn(obj, key)) continue;
    ts = epochMs(obj[key]);
    if (ts !== undefined) {
      timeKey = key;
      break;
    }
  }

  // Fields are what is left: a fresh object, because the parsed one would be slow after `delete`.
  const fields: Record<string, unknown> = {};
  for (const key in obj) {
    if (key === levelKey || key === msgKey || key === timeKey) continue;
    // An own "__proto__" key from JSON must stay a field, not become the object's prototype.
    if (key === '__proto__')
      Object.defineProperty(fields, key, { value: obj[key], enumerable: true });
    else fields[key] = obj[key];
  }
  return { level, msg: msg ?? text, fields, ts };
}

/**
 * A time field as epoch ms. Numbers are told apart by magnitude: zap writes seconds (float),
 * pino milliseconds, some loggers micro- or nanoseconds.
 */
function epochMs(raw: unknown): number | undefined {
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw) || raw <= 0) return undefined;
    const ms = raw < 1e11 ? raw * 1000 : raw < 1e14 ? raw : raw < 1e17 ? raw / 1000 : raw / 1e6;
    return ms <= MAX_DATE_MS ? ms : undefined;
  }
  if (typeof raw === 'string') {
    // Date.parse is slow on non-dates; a date string starts with a digit.
    const first = raw.charCodeAt(0);
    if (!(first >= 48 && first <= 57)) return undefined;
    const ms = Date.parse(raw);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

// Sticky: it matches at `lastIndex` only, so a miss costs a few comparisons, not a scan.
const TIMESTAMP = /\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\s+/y;

/** Upper-case level words a plain line may start with, longest first where one prefixes another. */
const PREFIX_WORDS: readonly (readonly [string, LogLevel])[] = [
  ['TRACE', 'trace'],
  ['DEBUG', 'debug'],
  ['INFO', 'info'],
  ['WARNING', 'warn'],
  ['WARN', 'warn'],
  ['ERROR', 'error'],
  ['ERR', 'error'],
  ['FATAL', 'fatal'],
  ['PANIC', 'fatal'],
  ['CRITICAL', 'fatal'],
  ['CRIT', 'fatal'],
];

/**
 * The level of a plain line, only when it is obvious: an upper-case level word at the start
 * (`ERROR …`, `[WARN] …`, Python's `WARNING:root:…`), possibly after colour codes or an ISO
 * timestamp, or a logfmt `level=` / `lvl=` key (Go's slog, which the Temporal CLI uses).
 * "error handling done" is not an error line, so lower-case words at the start are ignored.
 */
export function sniffLevel(text: string): LogLevel | undefined {
  let i = 0;
  while (text.charCodeAt(i) === 27 /* ESC */) {
    const m = text.indexOf('m', i);
    if (m === -1 || m - i > 16) break;
    i = m + 1;
  }
  const first = text.charCodeAt(i);
  if (first >= 48 && first <= 57) {
    TIMESTAMP.lastIndex = i;
    if (TIMESTAMP.test(text)) i = TIMESTAMP.lastIndex;
  }
  switch (text.charCodeAt(i)) {
    // [ C D E F I P T W: the only chars a level prefix can start with.
    case 91:
    case 67:
    case 68:
    case 69:
    case 70:
    case 73:
    case 80:
    case 84:
    case 87:
      return prefixLevel(text, i) ?? logfmtLevel(text);
  }
  return logfmtLevel(text);
}

/** A level word at `at` (after an optional `[`), ending at a non-word char; no regex, no allocation. */
function prefixLevel(text: string, at: number): LogLevel | undefined {
  const start = text.charCodeAt(at) === 91 /* [ */ ? at + 1 : at;
  for (const [word, level] of PREFIX_WORDS) {
    if (text.startsWith(word, start) && !isWordChar(text.charCodeAt(start + word.length))) {
      return level;
    }
  }
  return undefined;
}

/** Letters, digits, `_` and `-`: "ERRORS" and "ERROR-prone" are words, not levels. */
function isWordChar(c: number): boolean {
  return (
    (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 45
  );
}

function logfmtLevel(text: string): LogLevel | undefined {
  let at = text.indexOf('level=');
  let keyLength = 6;
  if (at === -1) {
    at = text.indexOf('lvl=');
    keyLength = 4;
  }
  if (at === -1) return undefined;
  // A key, not the tail of another word ("xlevel="), in a line that is logfmt from its first
  // token ("time=… level=…"), not prose that happens to mention "level=".
  if (at > 0 && text.charCodeAt(at - 1) !== 32) return undefined;
  const firstSpace = text.indexOf(' ');
  const firstEquals = text.indexOf('=');
  if (firstSpace !== -1 && firstEquals > firstSpace) return undefined;
  let from = at + keyLength;
  if (text.charCodeAt(from) === 34 /* " */) from += 1;
  let to = from;
  while (to < text.length && isLetter(text.charCodeAt(to))) to += 1;
  return to === from ? undefined : levelFromName(text.slice(from, to));
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
