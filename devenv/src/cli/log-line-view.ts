import { recordFromFileLine } from '../logbus/file-line.js';
import { plainRecord } from '../logbus/log-record.js';
import type { LogLevel } from '../logbus/log-record.js';
import type { RecordPredicate } from '../logbus/log-filter.js';
import { renderRecord, type RowSegment } from '../logbus/render-record.js';
import type { Style } from './style.js';

/** How `devenv logs` prints a line: rendered for a person, as written, or one JSON object. */
export type LogOutput = 'rendered' | 'raw' | 'json';

export interface LineFilter {
  readonly pattern: RegExp | undefined;
  /** `--where` queries, every one of which must hold; undefined when none were given. */
  readonly where: RecordPredicate | undefined;
}

/** Whether a file line passes `--grep` (on the line as written) and `--where` (on its record). */
export function lineMatches(service: string, line: string, filter: LineFilter): boolean {
  if (line.length === 0 || (filter.pattern && !filter.pattern.test(line))) return false;
  if (!filter.where) return true;
  const record = recordFromFileLine(service, line, 0);
  return record !== undefined && filter.where(record);
}

/** The text printed for one file line; `--raw` is the line exactly as in the file. */
export function lineOutput(
  service: string,
  line: string,
  output: LogOutput,
  options: { readonly showService: boolean; readonly style: Style },
): string {
  if (output === 'raw') return line;
  const record = recordFromFileLine(service, line, 0);
  if (record === undefined) return line;
  if (output === 'json') return JSON.stringify(plainRecord(record));
  return styled(renderRecord(record, { service: options.showService }), options.style);
}

function styled(row: readonly RowSegment[], style: Style): string {
  let text = '';
  for (const segment of row) {
    switch (segment.style) {
      case 'time':
      case 'fields':
        text += style.dim(segment.text);
        break;
      case 'level':
        text += levelStyle(style, segment.level)(segment.text);
        break;
      case 'service':
        text += style.bold(segment.text);
        break;
      default:
        text += segment.text;
    }
  }
  return text;
}

function levelStyle(style: Style, level: LogLevel | undefined): (text: string) => string {
  switch (level) {
    case 'error':
    case 'fatal':
      return style.fail;
    case 'warn':
      return style.warn;
    case 'info':
      return style.ok;
    default:
      return style.dim;
  }
}
