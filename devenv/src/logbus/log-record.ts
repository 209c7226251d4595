export type LogStream = 'stdout' | 'stderr' | 'devenv';
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** One line from one service, as every subscriber (TUI, reporters, sinks) sees it. */
export interface LogRecord {
  /** Increases by one per record across the whole bus: a cursor for followers. */
  readonly seq: number;
  readonly service: string;
  /** `devenv` marks lines devenv itself writes about the service (started, exited, probe changes). */
  readonly stream: LogStream;
  /** Epoch milliseconds: the line's own time when it has one (JSON), else `received`. */
  readonly ts: number;
  /** Epoch milliseconds when devenv received the line. */
  readonly received: number;
  readonly level: LogLevel | undefined;
  /** The message: the `msg` field of a JSON (pino-style) line, else the whole line. */
  readonly msg: string;
  /**
   * The other fields of a JSON line (`workflowId`, `runId`, …); empty for plain text. Built from
   * `text` on first access (see line-record.ts), so a record nobody inspects costs no parse.
   */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The line exactly as the service wrote it (without the newline). */
  readonly text: string;
}

/** A record's values as own properties: for JSON, which does not see a `LineRecord`'s getters. */
export function plainRecord(r: LogRecord): LogRecord {
  return {
    seq: r.seq,
    service: r.service,
    stream: r.stream,
    ts: r.ts,
    received: r.received,
    level: r.level,
    msg: r.msg,
    fields: r.fields,
    text: r.text,
  };
}
