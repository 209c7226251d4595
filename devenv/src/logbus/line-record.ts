import { plainRecord, type LogLevel, type LogRecord, type LogStream } from './log-record.js';
import { parseLine, type ParsedLine } from './parse-line.js';

/**
 * A record that reads its level, message, time and fields from its text the first time anything
 * asks for one of them.
 *
 * Under a flood almost no line is ever looked at: the ring buffer and the file sink need only the
 * text and the arrival time, the line reporter only the text, and the TUI renders the last
 * screenful. Reading every JSON line up front had been about a third of devenv's CPU per line;
 * now a line nobody inspects costs none of that, and one that is inspected costs one JSON.parse.
 */
export class LineRecord implements LogRecord {
  readonly seq: number;
  readonly service: string;
  readonly stream: LogStream;
  readonly text: string;
  readonly received: number;
  /** A level devenv gave the line itself (`append`), which wins over what the text says. */
  readonly givenLevel: LogLevel | undefined;
  #parsed: ParsedLine | undefined;

  constructor(
    seq: number,
    service: string,
    stream: LogStream,
    text: string,
    received: number,
    givenLevel?: LogLevel,
  ) {
    this.seq = seq;
    this.service = service;
    this.stream = stream;
    this.text = text;
    this.received = received;
    this.givenLevel = givenLevel;
  }

  get level(): LogLevel | undefined {
    return this.givenLevel ?? this.#line().level;
  }

  get msg(): string {
    return this.#line().msg;
  }

  get fields(): Readonly<Record<string, unknown>> {
    return this.#line().fields;
  }

  get ts(): number {
    return this.#line().ts ?? this.received;
  }

  /** The same keys as a plain record, for JSON output (getters are not own properties). */
  toJSON(): LogRecord {
    return plainRecord(this);
  }

  #line(): ParsedLine {
    return (this.#parsed ??= parseLine(this.text));
  }
}
