import {
  ABSENT,
  ESCAPED_STRING,
  K_MSG,
  K_TIME,
  NUMBER,
  OTHER,
  STRING,
  endOf,
  kindOf,
  sawEscapedKey,
  scanJsonObject,
  startOf,
} from './json-scan.js';
import { NO_FIELDS, fieldsOf, lazyFields, setPickKeys } from './lazy-fields.js';
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

export { NO_FIELDS };

/** The largest epoch ms a Date can hold. */
const MAX_DATE_MS = 8.64e15;

// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7F]*$/;

// In the order of the scan's keys (json-scan.ts), most preferred first.
const LEVEL_KEYS = ['level', 'levelname', 'severity', 'lvl'] as const;
const MSG_KEYS = ['msg', 'message', 'event'] as const;
const TIME_KEYS = ['time', 'ts', 'timestamp', '@timestamp'] as const;

/**
 * Reads one line. JSON objects (pino, zap as in the Temporal server, structlog, python-json-logger)
 * give level, message, time and fields; anything else is plain text whose level is taken only
 * from an obvious prefix. A line that looks like an object is checked by a scan that allocates
 * nothing; its fields are built only when someone reads them (see lazy-fields.ts).
 */
export function parseLine(text: string): ParsedLine {
  readText(text);
  return { level: line.level, msg: line.msg, fields: line.fields, ts: line.ts };
}

/** `parseLine` without the result object: fills `line` (valid until the next call). */
export function readText(text: string): void {
  // The scan reads bytes; the general path takes what is not plain ASCII.
  if (ASCII.test(text)) readLine(text, Buffer.from(text, 'latin1'), 0);
  else readLine(text);
}

type Fields = Readonly<Record<string, unknown>>;

/**
 * What `readLine` found, reused for every line so that the bus allocates no result per line.
 * Valid until the next call.
 */
export const line: {
  level: LogLevel | undefined;
  msg: string;
  fields: Fields;
  ts: number | undefined;
} = {
  level: undefined,
  msg: '',
  fields: NO_FIELDS,
  ts: undefined,
};

/**
 * `parseLine` without the result object: fills `line`. When the caller has the line's bytes
 * (an ASCII chunk: `text` is `bytes[start, start + text.length)` char for char), a JSON line is
 * scanned there and its fields are left for later; otherwise it is parsed at once.
 */
export function readLine(text: string, bytes?: Uint8Array, start = 0): void {
  if (text.charCodeAt(0) === 123 /* { */ && text.charCodeAt(text.length - 1) === 125 /* } */) {
    if (bytes === undefined) {
      if (readParsedObject(text)) return;
    } else if (scanJsonObject(bytes, start, start + text.length)) {
      if (sawEscapedKey()) readParsedObject(text);
      else readScannedObject(text, bytes, start);
      return;
    }
  }
  line.level = sniffLevel(text);
  line.msg = text;
  line.fields = NO_FIELDS;
  line.ts = undefined;
}

/** From the scan's spans: the same choices as `readParsedObject`, without parsing the line. */
function readScannedObject(text: string, bytes: Uint8Array, offset: number): void {
  let level: LogLevel | undefined;
  for (let k = 0; k < LEVEL_KEYS.length; k++) {
    const kind = kindOf(k);
    if (kind === ABSENT) continue;
    level =
      kind === NUMBER
        ? levelFromNumber(numberAt(text, offset, bytes, k))
        : kind === OTHER
          ? undefined
          : levelFromName(stringAt(text, offset, k, kind));
    if (level !== undefined) break;
  }

  let msg: string | undefined;
  for (let k = 0; k < MSG_KEYS.length; k++) {
    const kind = kindOf(K_MSG + k);
    if (kind === STRING || kind === ESCAPED_STRING) {
      msg = stringAt(text, offset, K_MSG + k, kind);
      break;
    }
  }

  let ts: number | undefined;
  for (let k = 0; k < TIME_KEYS.length; k++) {
    const kind = kindOf(K_TIME + k);
    if (kind === ABSENT) continue;
    ts =
      kind === NUMBER
        ? epochMs(numberAt(text, offset, bytes, K_TIME + k))
        : kind === OTHER
          ? undefined
          : epochMs(stringAt(text, offset, K_TIME + k, kind));
    if (ts !== undefined) break;
  }

  line.level = level;
  line.msg = msg ?? text;
  line.fields = lazyFields(text);
  line.ts = ts;
}

/** A scanned number value, as JSON.parse would read it. */
function numberAt(text: string, offset: number, bytes: Uint8Array, key: number): number {
  const start = startOf(key);
  const end = endOf(key);
  // Up to 15 digits the sum is exact; signs, fractions and exponents go to Number().
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = bytes[i]! - 48;
    if (d < 0 || d > 9 || end - start > 15) return Number(text.slice(start - offset, end - offset));
    n = n * 10 + d;
  }
  return n;
}

/** A scanned string value (`text` starts at `offset` in the scanned bytes), decoded when it has escapes. */
function stringAt(text: string, offset: number, key: number, kind: number): string {
  const start = startOf(key) - offset;
  const end = endOf(key) - offset;
  return kind === STRING
    ? text.slice(start, end)
    : (JSON.parse(text.slice(start - 1, end + 1)) as string);
}

/**
 * The general case (a line that is not ASCII, or a key with escapes that may spell `level`):
 * parse the line and read the object. False when it is not a JSON object after all.
 */
function readParsedObject(text: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false; // Not JSON after all ("{id} started"): a plain line.
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const obj = value as Record<string, unknown>;
  const { levelKey, msgKey, timeKey } = pickKeys(obj);
  line.level = picked.level;
  line.msg = picked.msg ?? text;
  line.fields = fieldsOf(obj, levelKey, msgKey, timeKey);
  line.ts = picked.ts;
  return true;
}

/** The values `pickKeys` chose, beside the keys it returns. */
const picked: { level: LogLevel | undefined; msg: string | undefined; ts: number | undefined } = {
  level: undefined,
  msg: undefined,
  ts: undefined,
};

/** Which keys of a parsed line give level, message and time (their values go to `picked`). */
function pickKeys(obj: Record<string, unknown>): {
  levelKey: string | undefined;
  msgKey: string | undefined;
  timeKey: string | undefined;
} {
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
  picked.level = level;
  picked.msg = msg;
  picked.ts = ts;
  return { levelKey, msgKey, timeKey };
}

setPickKeys(pickKeys);

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
