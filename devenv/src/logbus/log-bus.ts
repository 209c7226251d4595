import { compileFilter, matchesAll } from './log-filter.js';
import type { LogFilter, RecordPredicate } from './log-filter.js';
import type { LogLevel, LogRecord, LogStream } from './log-record.js';
import type { LogSink, SinkFailure } from './log-sink.js';
import { DEFAULT_MAX_LINE_CHARS, LineSplitter, capLine } from './line-splitter.js';
import { LineRecord } from './line-record.js';
import { RecordRing } from './record-ring.js';

export type { LogFilter } from './log-filter.js';

export interface LogBusOptions {
  /** Records kept per service (default 10,000). */
  readonly maxRecordsPerService?: number;
  /** Estimated bytes kept per service (default 8 MiB); whichever budget is hit first evicts. */
  readonly maxBytesPerService?: number;
  /** Longer lines are cut with a marker (default 64 Ki chars). */
  readonly maxLineChars?: number;
  /** Consumers of every record (files, Loki); each gets batches and counts its own drops. */
  readonly sinks?: readonly LogSink[];
  /** Records a subscriber that is still busy with a previous batch may fall behind (default 50,000). */
  readonly maxSubscriberBacklog?: number;
  /** Epoch ms; injected so tests can fix arrival times. */
  readonly now?: () => number;
}

export interface TailOptions {
  /** Start this many records before the newest (default: `limit`, i.e. the last `limit`). */
  readonly fromEnd?: number | undefined;
  /** At most this many records, counted forward from the start (default: all up to the newest). */
  readonly limit?: number | undefined;
}

export interface SearchQuery extends LogFilter {
  /** The newest this many matches, returned oldest first (default 1,000). */
  readonly limit?: number | undefined;
}

/** Called with records in seq order, never re-entered: while a returned promise is pending, the next batches wait (bounded). */
export type OnRecords = (records: readonly LogRecord[]) => void | PromiseLike<void>;

export interface LogBusStats {
  /** Records the bus has taken in since it was created (the latest seq). */
  readonly records: number;
  /** Records held in the ring buffers now. */
  readonly buffered: number;
  /** Estimated bytes held in the ring buffers now. */
  readonly bytes: number;
  /** Records pushed out of the ring buffers by their budgets (still delivered to sinks). */
  readonly evicted: number;
  /** Records each sink accepted but never delivered, by sink name. */
  readonly droppedBySink: Readonly<Record<string, number>>;
  /** The latest failure of each sink that had one. */
  readonly sinkFailures: Readonly<Record<string, SinkFailure>>;
  /** Records not delivered to subscribers that fell further behind than their backlog bound. */
  readonly droppedBySubscribers: number;
  /** Exceptions and rejections from subscribers and sinks, which were isolated. */
  readonly consumerErrors: number;
}

export interface LogBus {
  /** Raw output of a child: split into lines; a partial line waits for the next chunk. Never blocks. */
  write(service: string, stream: LogStream, chunk: Buffer | string): void;
  /** A line devenv writes about a service (started, exited, probe changed); newlines start new records. */
  append(service: string, stream: LogStream, text: string, level?: LogLevel): void;
  /** Emits the unterminated last line of one stream (or all streams) of a service, e.g. on exit. */
  flush(service: string, stream?: LogStream): void;
  /** A window of a service's records, or of all services merged in seq order. */
  tail(service: string | undefined, options?: TailOptions): LogRecord[];
  search(query: SearchQuery): LogRecord[];
  /** Batches of new matching records, delivered on a later tick; returns the unsubscribe function. */
  subscribe(filter: LogFilter, onRecords: OnRecords): () => void;
  /** Services that have written at least one record. */
  services(): string[];
  stats(): LogBusStats;
  /** Emits partial lines, delivers the last batch, then waits for every sink to drain and close. */
  close(): Promise<void>;
}

const DEFAULT_SEARCH_LIMIT = 1000;
const DEFAULT_SUBSCRIBER_BACKLOG = 50_000;
/** A record object, its slot and the strings it shares: a rough constant, not a measurement. */
const RECORD_OVERHEAD_BYTES = 120;

/**
 * An estimate of a record's memory, for the ring buffer's byte budget: the ring keeps only the
 * text (as UTF-8, outside the JS heap) and a few numbers; message and fields are rebuilt on read.
 */
export function recordBytes(record: Pick<LogRecord, 'text'>): number {
  return RECORD_OVERHEAD_BYTES + record.text.length;
}

export function createLogBus(options: LogBusOptions = {}): LogBus {
  return new Bus(options);
}

interface ServiceRecords {
  readonly ring: RecordRing;
  readonly splitters: Map<LogStream, LineSplitter>;
}

interface Subscription {
  readonly matches: RecordPredicate;
  readonly all: boolean;
  readonly onRecords: OnRecords;
  active: boolean;
  busy: boolean;
  backlog: LogRecord[];
}

class Bus implements LogBus {
  readonly #options: LogBusOptions;
  readonly #now: () => number;
  readonly #sinks: readonly LogSink[];
  readonly #services = new Map<string, ServiceRecords>();
  readonly #subscriptions = new Set<Subscription>();
  readonly #maxLineChars: number;
  readonly #maxBacklog: number;
  #seq = 0;
  /** Arrival time of the chunk being split: one clock read per chunk, not per line. */
  #chunkTs = 0;
  /** Records since the last delivery tick. */
  #pending: LogRecord[] = [];
  #tick: NodeJS.Immediate | undefined;
  #closed = false;
  #droppedBySubscribers = 0;
  #consumerErrors = 0;

  constructor(options: LogBusOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#sinks = options.sinks ?? [];
    this.#maxLineChars = options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
    this.#maxBacklog = options.maxSubscriberBacklog ?? DEFAULT_SUBSCRIBER_BACKLOG;
  }

  write(service: string, stream: LogStream, chunk: Buffer | string): void {
    if (this.#closed) return; // Output racing shutdown is not worth an error.
    this.#chunkTs = this.#now();
    this.#splitter(service, stream).push(chunk);
  }

  append(service: string, stream: LogStream, text: string, level?: LogLevel): void {
    if (this.#closed) return;
    const log = this.#service(service);
    const ts = this.#now();
    for (const piece of text.split('\n')) {
      const line = piece.endsWith('\r') ? piece.slice(0, -1) : piece;
      this.#add(log, service, stream, capLine(line, this.#maxLineChars), ts, level);
    }
  }

  flush(service: string, stream?: LogStream): void {
    const log = this.#services.get(service);
    if (log === undefined) return;
    this.#chunkTs = this.#now();
    if (stream === undefined) for (const splitter of log.splitters.values()) splitter.flush();
    else log.splitters.get(stream)?.flush();
  }

  tail(service: string | undefined, options: TailOptions = {}): LogRecord[] {
    const { limit } = options;
    const fromEnd = options.fromEnd ?? limit;
    if (service !== undefined) {
      const ring = this.#services.get(service)?.ring;
      if (ring === undefined) return [];
      const start = fromEnd === undefined ? 0 : Math.max(0, ring.size - fromEnd);
      return ring.slice(start, limit === undefined ? ring.size : start + limit);
    }
    // Each service's last `fromEnd` records include all of the merged last `fromEnd`.
    const merged = bySeq(
      [...this.#services.values()].map(({ ring }) =>
        ring.slice(fromEnd === undefined ? 0 : ring.size - fromEnd),
      ),
    );
    const start = fromEnd === undefined ? 0 : Math.max(0, merged.length - fromEnd);
    return merged.slice(start, limit === undefined ? merged.length : start + limit);
  }

  search(query: SearchQuery): LogRecord[] {
    const limit = query.limit ?? DEFAULT_SEARCH_LIMIT;
    if (limit <= 0) return [];
    const matches = compileFilter(query);
    const logs =
      query.service === undefined
        ? [...this.#services.values()]
        : [this.#services.get(query.service)].filter((log) => log !== undefined);
    // Newest first within each service, so a search stops early on a busy service.
    const found = logs.map(({ ring }) => {
      const hits: LogRecord[] = [];
      for (let i = ring.size - 1; i >= 0 && hits.length < limit; i--) {
        const record = ring.at(i);
        if (record !== undefined && matches(record)) hits.push(record);
      }
      return hits.reverse();
    });
    const merged = bySeq(found);
    return merged.slice(Math.max(0, merged.length - limit));
  }

  subscribe(filter: LogFilter, onRecords: OnRecords): () => void {
    const matches = compileFilter(filter);
    const subscription: Subscription = {
      matches,
      all: matchesAll(matches),
      onRecords,
      active: true,
      busy: false,
      backlog: [],
    };
    this.#subscriptions.add(subscription);
    return () => {
      subscription.active = false;
      subscription.backlog = [];
      this.#subscriptions.delete(subscription);
    };
  }

  services(): string[] {
    return [...this.#services.keys()];
  }

  stats(): LogBusStats {
    let buffered = 0;
    let bytes = 0;
    let evicted = 0;
    for (const { ring } of this.#services.values()) {
      buffered += ring.size;
      bytes += ring.bytes;
      evicted += ring.evicted;
    }
    const droppedBySink: Record<string, number> = {};
    const sinkFailures: Record<string, SinkFailure> = {};
    for (const sink of this.#sinks) {
      droppedBySink[sink.name] = (droppedBySink[sink.name] ?? 0) + sink.dropped();
      const failure = sink.lastFailure();
      if (failure !== undefined) sinkFailures[sink.name] = failure;
    }
    return {
      records: this.#seq,
      buffered,
      bytes,
      evicted,
      droppedBySink,
      sinkFailures,
      droppedBySubscribers: this.#droppedBySubscribers,
      consumerErrors: this.#consumerErrors,
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    for (const service of this.#services.keys()) this.flush(service);
    this.#closed = true;
    if (this.#tick !== undefined) clearImmediate(this.#tick);
    this.#deliver();
    await Promise.allSettled(this.#sinks.map((sink) => sink.close()));
  }

  #service(service: string): ServiceRecords {
    let log = this.#services.get(service);
    if (log === undefined) {
      log = {
        ring: new RecordRing(service, {
          maxItems: this.#options.maxRecordsPerService,
          maxBytes: this.#options.maxBytesPerService,
        }),
        splitters: new Map(),
      };
      this.#services.set(service, log);
    }
    return log;
  }

  #splitter(service: string, stream: LogStream): LineSplitter {
    const log = this.#service(service);
    let splitter = log.splitters.get(stream);
    if (splitter === undefined) {
      splitter = new LineSplitter(
        (line) => this.#add(log, service, stream, line, this.#chunkTs, undefined),
        { maxLineChars: this.#maxLineChars },
      );
      log.splitters.set(stream, splitter);
    }
    return splitter;
  }

  #add(
    log: ServiceRecords,
    service: string,
    stream: LogStream,
    text: string,
    arrivedAt: number,
    level: LogLevel | undefined,
  ): void {
    // Level, message, time and fields are read from the text only when someone asks for them.
    const record = new LineRecord(++this.#seq, service, stream, text, arrivedAt, level);
    log.ring.push(record, recordBytes(record));
    this.#pending.push(record);
    // One tick per burst: a flood reaches consumers as a few large batches, not a call per line.
    this.#tick ??= setImmediate(this.#onTick);
  }

  readonly #onTick = (): void => {
    this.#tick = undefined;
    this.#deliver();
  };

  #deliver(): void {
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];
    for (const sink of this.#sinks) {
      try {
        sink.accept(batch);
      } catch {
        this.#consumerErrors += 1; // A broken sink loses its own records, nobody else's.
      }
    }
    for (const subscription of [...this.#subscriptions]) {
      const records = subscription.all ? batch : batch.filter(subscription.matches);
      if (records.length > 0) this.#call(subscription, records);
    }
  }

  #call(subscription: Subscription, records: readonly LogRecord[]): void {
    if (!subscription.active) return;
    if (subscription.busy) {
      // Merged into one later call, like Tilt's dirty bit; bounded so a stuck consumer cannot grow memory.
      const room = Math.max(0, this.#maxBacklog - subscription.backlog.length);
      const taken = Math.min(room, records.length);
      for (let i = 0; i < taken; i++) subscription.backlog.push(records[i] as LogRecord);
      this.#droppedBySubscribers += records.length - taken;
      return;
    }
    let result: void | PromiseLike<void>;
    try {
      result = subscription.onRecords(records);
    } catch {
      this.#consumerErrors += 1;
      return;
    }
    if (result !== undefined && typeof result.then === 'function') {
      subscription.busy = true;
      result.then(
        () => this.#settled(subscription),
        () => {
          this.#consumerErrors += 1;
          this.#settled(subscription);
        },
      );
    }
  }

  #settled(subscription: Subscription): void {
    subscription.busy = false;
    if (subscription.backlog.length === 0) return;
    const next = subscription.backlog;
    subscription.backlog = [];
    this.#call(subscription, next);
  }
}

/** Merges per-service runs (each already in seq order) into one list in seq order. */
function bySeq(runs: LogRecord[][]): LogRecord[] {
  const nonEmpty = runs.filter((run) => run.length > 0);
  if (nonEmpty.length <= 1) return nonEmpty[0] ?? [];
  // TimSort finds the sorted runs, so this is close to a k-way merge.
  return nonEmpty.flat().sort((a, b) => a.seq - b.seq);
}
