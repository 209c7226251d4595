import type { LogRecord } from '../logbus/log-record.js';
import { compileFilter } from '../logbus/log-filter.js';
import { parseLogQuery } from '../logbus/log-query.js';

/**
 * The one rule for what `/` finds (see log-query.ts): text anywhere in the line as written,
 * ignoring case, or a field (`workflowId=…`, `level>=warn`) of the structured lines.
 */
export function matchingIndexes(records: readonly LogRecord[], query: string): number[] {
  if (!query) return [];
  const parsed = parseLogQuery(query);
  if (!parsed.ok) return [];
  const matches = compileFilter(parsed.value.filter);
  const found: number[] = [];
  records.forEach((record, index) => {
    if (matches(record)) found.push(index);
  });
  return found;
}

/** Why a query finds nothing because it cannot be read (`level>=loud`), for the status line. */
export function queryProblem(query: string): string | undefined {
  const parsed = parseLogQuery(query);
  return parsed.ok ? undefined : parsed.error;
}

/** What to highlight in the drawn rows for a confirmed search. */
export function highlightOf(query: string): string {
  const parsed = parseLogQuery(query);
  return parsed.ok ? parsed.value.highlight : '';
}
