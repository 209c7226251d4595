import { plainRecord, type LogLevel, type LogRecord, type LogStream } from './log-record.js';
import { NO_FIELDS, line, readText } from './parse-line.js';

/**
 * A record that reads its level, message, time and fields from its text the first time anything
 * asks for one of them.
 *
 * Under a flood almost no line is ever looked at: the ring buffer and the file sink need only the
 * text and the arrival time, the line reporter only the text, and the TUI renders the last
 * screenful. Reading a JSON line's level and time meant scanning all of it, about a third of
 * devenv's CPU per line; now a line nobody inspects costs none of that.
 */
export class LineRecord implements LogRecord {
  readonly seq: number;
  readonly service: string;
  readonly stream: LogStream;
  readonly text: string;
  readonly received: number;
  /** A level devenv gave the line itself (`append`), which wins over what the text says. */
  readonly givenLevel: LogLevel | undefined;
  #read = false;
  #level: LogLevel | undefined;
  #msg = '';
  #fields: Readonly<Record<string, unknown>> = NO_FIELDS;
  #ts: number | undefined;

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
    return this.givenLevel ?? this.#parsed().#level;
  }

  get msg(): string {
    return this.#parsed().#msg;
  }

  get fields(): Readonly<Record<string, unknown>> {
    return this.#parsed().#fields;
  }

  get ts(): number {
    return this.#parsed().#ts ?? this.received;
  }

  /** The same keys as a plain record, for JSON output (getters are not own properties). */
  toJSON(): LogRecord {
    return plainRecord(this);
  }

  #parsed(): this {
    if (!this.#read) {
      readText(this.text);
      this.#level = line.level;
      this.#msg = line.msg;
      this.#fields = line.fields;
      this.#ts = line.ts;
      this.#read = true;
    }
    return this;
  }
}
