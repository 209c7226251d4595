import { NO_FIELDS } from './parse-line.js';
import type { LogLevel, LogRecord } from './log-record.js';

/** How a part of a row is drawn; the TUI and `devenv logs` map these to their own colours. */
export type SegmentStyle = 'time' | 'level' | 'service' | 'msg' | 'fields' | 'plain';

export interface RowSegment {
  readonly text: string;
  readonly style: SegmentStyle;
  /** Only on the level segment. */
  readonly level?: LogLevel;
}

export interface RenderOptions {
  /** The service column, for views of more than one service. */
  readonly service: boolean;
}

/** Level words, padded to one width so messages line up. */
const LEVEL_WORD: Readonly<Record<LogLevel, string>> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO ',
  warn: 'WARN ',
  error: 'ERROR',
  fatal: 'FATAL',
};

/**
 * One record as a person reads it: local time, level word, service, message, then the other
 * fields as `key=value`. A line that is not structured (no fields after parsing) is left as
 * written. Pure and per record, so callers pay for the rows they draw only.
 */
export function renderRecord(record: LogRecord, options: RenderOptions): RowSegment[] {
  const service: RowSegment[] = options.service
    ? [{ text: `${record.service} | `, style: 'service' }]
    : [];
  const fields = record.fields;
  if (fields === NO_FIELDS || (record.msg === record.text && isEmpty(fields)))
    return [...service, { text: record.text, style: 'plain' }];
  const row: RowSegment[] = [{ text: `${clockTime(record.ts)} `, style: 'time' }];
  if (record.level !== undefined)
    row.push({ text: `${LEVEL_WORD[record.level]} `, style: 'level', level: record.level });
  // A JSON line without a message field has its whole text as msg: its fields say it all.
  row.push(...service, {
    text: record.msg === record.text ? '' : oneLine(record.msg),
    style: 'msg',
  });
  const rest = fieldsText(fields, record.service);
  if (rest.length > 0) row.push({ text: ` ${rest}`, style: 'fields' });
  return row;
}

/** The row's characters without styles: for width, wrapping and search highlighting. */
export function rowText(row: readonly RowSegment[]): string {
  let text = '';
  for (const segment of row) text += segment.text;
  return text;
}

/** `HH:MM:SS.mmm` in the local time zone. */
export function clockTime(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** `key=value …`; the service's own name is left out, the row already shows it. */
function fieldsText(fields: Readonly<Record<string, unknown>>, service: string): string {
  const parts: string[] = [];
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (key === 'service' && value === service) continue;
    parts.push(`${key}=${valueText(value)}`);
  }
  return parts.join(' ');
}

/** Strings bare unless they would read as more than one value; everything else as JSON. */
function valueText(value: unknown): string {
  if (typeof value === 'string')
    return value.length > 0 && !/[\s"=]/.test(value) ? value : JSON.stringify(value);
  if (value === undefined) return 'undefined';
  return JSON.stringify(value) ?? String(value);
}

/** A message with line breaks (a stack in `msg`) kept on its row, breaks written as in JSON. */
function oneLine(msg: string): string {
  return msg.includes('\n') || msg.includes('\r')
    ? msg.replace(/\r/g, '\\r').replace(/\n/g, '\\n')
    : msg;
}

function isEmpty(fields: Readonly<Record<string, unknown>>): boolean {
  for (const _ in fields) return false;
  return true;
}
