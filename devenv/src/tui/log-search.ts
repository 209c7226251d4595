import type { LogRecord } from '../logbus/log-record.js';

/** The one rule for what `/` finds: the query anywhere in the line as written, ignoring case. */
export function matchingIndexes(records: readonly LogRecord[], query: string): number[] {
  if (!query) return [];
  const needle = query.toLowerCase();
  const found: number[] = [];
  records.forEach((record, index) => {
    if (record.text.toLowerCase().includes(needle)) found.push(index);
  });
  return found;
}
