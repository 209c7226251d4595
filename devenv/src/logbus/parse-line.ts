import { levelFromName, levelFromNumber } from './log-level.js';
import type { LogLevel } from './log-record.js';
import { readLogfmt } from './logfmt.js';
import { sniffLevel } from './plain-level.js';

/** What a line says about itself; the bus adds service, stream, seq and the arrival time. */
export interface ParsedLine {
  readonly level: LogLevel | undefined;
  readonly msg: string;
  readonly fields: Readonly<Record<string, unknown>>;
  /** Epoch ms from the line's own time field, when it has a readable one. */
  readonly ts: number | undefined;
}

export { sniffLevel };

/** Shared by every plain line, so they allocate no fields object. */
export const NO_FIELDS: Readonly<Record<string, unknown>> = Object.freeze({});

/** The largest epoch ms a Date can hold. */
const MAX_DATE_MS = 8.64e15;

// Most preferred first.
const LEVEL_KEYS = ['level', 'levelname', 'severity', 'lvl'] as const;
const MSG_KEYS = ['msg', 'message', 'event'] as const;
const TIME_KEYS = ['time', 'ts', 'timestamp', '@timestamp'] as const;

/**
 * Reads one line. JSON objects (pino, zap as in the Temporal server, structlog, python-json-logger)
 * and logfmt lines (slog, the Temporal CLI) give level, message, time and fields; anything else is
 * plain text whose level is taken only from an obvious prefix. Called when something first asks a record about its line (see
 * line-record.ts): under a flood, almost never.
 */
export function parseLine(text: string): ParsedLine {
  const obj = jsonObject(text) ?? readLogfmt(text);
  if (obj === undefined)
    return { level: sniffLevel(text), msg: text, fields: NO_FIELDS, ts: undefined };
  const level = firstOf(obj, LEVEL_KEYS, levelOf);
  const msg = firstOf(obj, MSG_KEYS, (raw) => (typeof raw === 'string' ? raw : undefined));
  const ts = firstOf(obj, TIME_KEYS, epochMs);
  return {
    level: level?.value,
    msg: msg?.value ?? text,
    ts: ts?.value,
    fields: fieldsWithout(obj, level?.key, msg?.key, ts?.key),
  };
}

/** The line as a JSON object, or undefined for anything else ("{id} started", arrays, text). */
function jsonObject(text: string): Record<string, unknown> | undefined {
  if (text.charCodeAt(0) !== 123 /* { */ || text.charCodeAt(text.length - 1) !== 125 /* } */)
    return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The first of `keys` (an own key) whose value `read` understands, with that key. */
function firstOf<T>(
  obj: Record<string, unknown>,
  keys: readonly string[],
  read: (raw: unknown) => T | undefined,
): { key: string; value: T } | undefined {
  for (const key of keys) {
    if (!Object.hasOwn(obj, key)) continue;
    const value = read(obj[key]);
    if (value !== undefined) return { key, value };
  }
  return undefined;
}

function levelOf(raw: unknown): LogLevel | undefined {
  if (typeof raw === 'number') return levelFromNumber(raw);
  return typeof raw === 'string' ? levelFromName(raw) : undefined;
}

/** What is left of a parsed line once the keys read as level, message and time are taken out. */
function fieldsWithout(
  obj: Record<string, unknown>,
  ...taken: readonly (string | undefined)[]
): Record<string, unknown> {
  // A fresh object, because the parsed one would be slow after `delete`.
  const fields: Record<string, unknown> = {};
  for (const key in obj) {
    if (taken.includes(key)) continue;
    // An own "__proto__" key from JSON must stay a field, not become the object's prototype.
    if (key === '__proto__')
      Object.defineProperty(fields, key, { value: obj[key], enumerable: true });
    else fields[key] = obj[key];
  }
  return fields;
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
