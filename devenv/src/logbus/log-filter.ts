import { LEVEL_RANK } from './log-level.js';
import type { LogLevel, LogRecord } from './log-record.js';

/** Which records a search or a subscriber wants. Every given condition must hold. */
export interface LogFilter {
  readonly service?: string | undefined;
  /** A substring of the line's text, ignoring case (what a user types after `/`). */
  readonly text?: string | undefined;
  /** Tested against the line's text. `g`/`y` flags are ignored: they would make matching stateful. */
  readonly regex?: RegExp | undefined;
  /** Exactly this level. */
  readonly level?: LogLevel | undefined;
  /** This level or more severe; lines without a level do not match. */
  readonly minLevel?: LogLevel | undefined;
  /**
   * A field equal to `value`; `'200'` matches a numeric 200 too, as typed in a search box. With
   * `anySpelling`, the key matches however a logger spells it: `workflowId` finds the dispatcher's
   * `workflow_id` and a `WorkflowID` too.
   */
  readonly fieldEquals?:
    { readonly key: string; readonly value: unknown; readonly anySpelling?: boolean } | undefined;
}

export type RecordPredicate = (record: LogRecord) => boolean;

const MATCH_ALL: RecordPredicate = () => true;

/** Builds the test once, so matching a flood does not re-read the filter per record. */
export function compileFilter(filter: LogFilter): RecordPredicate {
  const tests: RecordPredicate[] = [];
  const { service, text, regex, level, minLevel, fieldEquals } = filter;
  if (service !== undefined) tests.push((r) => r.service === service);
  if (level !== undefined) tests.push((r) => r.level === level);
  if (minLevel !== undefined) {
    const min = LEVEL_RANK[minLevel];
    tests.push((r) => r.level !== undefined && LEVEL_RANK[r.level] >= min);
  }
  if (text !== undefined && text.length > 0) {
    // A case-insensitive regex scans without allocating a lower-cased copy of each line.
    const pattern = new RegExp(escapeRegExp(text), 'i');
    tests.push((r) => pattern.test(r.text));
  }
  if (regex !== undefined) {
    const pattern = new RegExp(regex.source, regex.flags.replace(/[gy]/g, ''));
    tests.push((r) => pattern.test(r.text));
  }
  if (fieldEquals !== undefined) tests.push(fieldTest(fieldEquals));
  if (tests.length === 0) return MATCH_ALL;
  if (tests.length === 1) return tests[0] ?? MATCH_ALL;
  return (r) => tests.every((t) => t(r));
}

/** Whether the filter lets every record through, so callers can skip copying batches. */
export function matchesAll(predicate: RecordPredicate): boolean {
  return predicate === MATCH_ALL;
}

function fieldTest(field: NonNullable<LogFilter['fieldEquals']>): RecordPredicate {
  const { key, value } = field;
  if (field.anySpelling !== true)
    return (r) => Object.hasOwn(r.fields, key) && looselyEqual(r.fields[key], value);
  const wanted = spelling(key);
  return (r) => {
    const fields = r.fields;
    for (const k in fields)
      if (spelling(k) === wanted && Object.hasOwn(fields, k) && looselyEqual(fields[k], value))
        return true;
    return false;
  };
}

/** `workflowId`, `workflow_id`, `Workflow-ID` → `workflowid`. */
function spelling(key: string): string {
  return key.replace(/[_-]/g, '').toLowerCase();
}

function looselyEqual(actual: unknown, wanted: unknown): boolean {
  if (actual === wanted) return true;
  const scalar = (v: unknown): boolean =>
    typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  return scalar(actual) && scalar(wanted) && String(actual) === String(wanted);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
