import { err, ok, type Result } from '../../shared/result.js';
import { compileFilter, type LogFilter, type RecordPredicate } from './log-filter.js';
import { levelFromName } from './log-level.js';

/**
 * What a user types to find lines, in the TUI's `/` and `devenv logs --where`: `key=value` (a
 * field of a structured line: `workflowId=WorkflowDemoMixed-Ada-1`), `level>=warn`, `level=error`,
 * `service=dispatcher`, or any other text, found anywhere in the line ignoring case.
 */
export interface LogQuery {
  readonly filter: LogFilter;
  /** The text to highlight in a matching row: the text searched for, or a field's value. */
  readonly highlight: string;
}

// A key as loggers write them (`workflowId`, `http.method`, `shard-id`, `@timestamp`), then `=`
// or `>=`, then a value.
const FIELD_TERM = /^([A-Za-z_@][\w.@-]*)\s*(>=|=)\s*(.+)$/;

/** Parses one query; an error names what was wrong with it (`level>=loud`). */
export function parseLogQuery(query: string): Result<LogQuery, string> {
  const text = query.trim();
  const term = FIELD_TERM.exec(text);
  // Text is searched as typed, spaces included.
  if (!term) return ok({ filter: { text: query }, highlight: query });
  const [, key = '', op, value = ''] = term;
  if (key === 'level') {
    const level = levelFromName(value);
    if (level === undefined)
      return err(`${text}: no level named ${value} (trace, debug, info, warn, error, fatal)`);
    return ok({ filter: op === '>=' ? { minLevel: level } : { level }, highlight: '' });
  }
  if (op === '>=') return err(`${text}: >= is only for level (level>=warn); use ${key}=${value}`);
  if (key === 'service') return ok({ filter: { service: value }, highlight: '' });
  return ok({ filter: { fieldEquals: { key, value, anySpelling: true } }, highlight: value });
}

/** Every query must hold (`--where` given more than once). */
export function compileQueries(queries: readonly LogQuery[]): RecordPredicate {
  const tests = queries.map((q) => compileFilter(q.filter));
  return (record) => tests.every((test) => test(record));
}
