import type { LogRecord } from './log-record.js';

/** One entry of Loki's push body: `[ns timestamp, line, structured metadata?]`. */
export type LokiEntry = [string, string] | [string, string, Record<string, string>];

export interface LokiStream {
  readonly stream: Record<string, string>;
  readonly values: LokiEntry[];
}

/** The push body for a batch: one stream per label set `{project, service, stream, level}`. */
export function lokiPushBody(
  project: string,
  records: readonly LogRecord[],
): { streams: LokiStream[] } {
  const streams = new Map<string, LokiStream>();
  for (const record of records) {
    const level = record.level ?? 'unknown';
    const key = `${record.service}\u0000${record.stream}\u0000${level}`;
    let entry = streams.get(key);
    if (entry === undefined) {
      entry = {
        stream: { project, service: record.service, stream: record.stream, level },
        values: [],
      };
      streams.set(key, entry);
    }
    const metadata = structuredMetadata(record.fields);
    const ts = nanoseconds(record);
    entry.values.push(metadata === undefined ? [ts, record.text] : [ts, record.text, metadata]);
  }
  return { streams: [...streams.values()] };
}

/**
 * Epoch nanoseconds as a decimal string (past 2^53, so no Number arithmetic). The six
 * sub-millisecond digits carry the record's seq: Loki drops entries with equal timestamp and
 * text, and a service repeating a line within one millisecond must not lose it.
 */
export function nanoseconds(record: LogRecord): string {
  const ms = Math.max(0, Math.floor(record.ts));
  return `${ms}${String(record.seq % 1_000_000).padStart(6, '0')}`;
}

/** Workflow and run ids as structured metadata: queryable per line without becoming labels. */
function structuredMetadata(
  fields: Readonly<Record<string, unknown>>,
): Record<string, string> | undefined {
  let metadata: Record<string, string> | undefined;
  const workflowId = scalar(fields['workflowId'] ?? fields['workflow_id']);
  if (workflowId !== undefined) metadata = { workflow_id: workflowId };
  const runId = scalar(fields['runId'] ?? fields['run_id']);
  if (runId !== undefined) (metadata ??= {})['run_id'] = runId;
  return metadata;
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length > 0 ? value : undefined;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
