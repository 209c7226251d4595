import type { LogRecord } from '../logbus/log-record.js';
import { renderRecord, type RowSegment } from '../logbus/render-record.js';

export interface DrawnRow {
  /** Index into the records. */
  readonly index: number;
  readonly record: LogRecord;
  readonly segments: readonly RowSegment[];
  /** Terminal lines the row takes: 1 when cut at the width, more when it wraps. */
  readonly lines: number;
}

export interface RowLayout {
  readonly height: number;
  readonly width: number;
  /** Records up from the newest (0 = follow the tail). */
  readonly scroll: number;
  /** Long rows wrap (one service's detail view) instead of being cut at the width. */
  readonly wrap: boolean;
  readonly showService: boolean;
}

// Rows once rendered, per record: a flood re-draws the same screenful every frame.
const withService = new WeakMap<LogRecord, RowSegment[]>();
const withoutService = new WeakMap<LogRecord, RowSegment[]>();

/**
 * The rows that fit the pane, oldest first, ending `scroll` records up from the newest. Only these
 * records are rendered (and so parsed): a buffer of thousands costs one screenful.
 */
export function drawnRows(records: readonly LogRecord[], layout: RowLayout): DrawnRow[] {
  const columns = Math.max(10, layout.width - 1);
  const rows: DrawnRow[] = [];
  let used = 0;
  for (let index = records.length - 1 - layout.scroll; index >= 0; index -= 1) {
    const record = records[index];
    if (record === undefined || used >= layout.height) break;
    const full = rowOf(record, layout.showService);
    const length = textLength(full);
    const lines = layout.wrap ? Math.max(1, Math.ceil(length / columns)) : 1;
    // A row taller than what is left is still drawn when it is the only one (clipped below).
    if (used + lines > layout.height && rows.length > 0) break;
    const segments = layout.wrap ? full : cut(full, columns);
    rows.push({ index, record, segments, lines });
    used += lines;
  }
  return rows.reverse();
}

function rowOf(record: LogRecord, showService: boolean): RowSegment[] {
  const cache = showService ? withService : withoutService;
  let row = cache.get(record);
  if (row === undefined) {
    row = renderRecord(record, { service: showService });
    cache.set(record, row);
  }
  return row;
}

function textLength(row: readonly RowSegment[]): number {
  let length = 0;
  for (const segment of row) length += segment.text.length;
  return length;
}

/** The row cut to `columns` characters: the pane draws no more than fits. */
export function cut(row: readonly RowSegment[], columns: number): RowSegment[] {
  const out: RowSegment[] = [];
  let left = columns;
  for (const segment of row) {
    if (left <= 0) break;
    out.push(
      segment.text.length <= left ? segment : { ...segment, text: segment.text.slice(0, left) },
    );
    left -= segment.text.length;
  }
  return out;
}
