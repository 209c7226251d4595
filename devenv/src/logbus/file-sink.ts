import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { messageOf } from '../../shared/result.js';
import type { LogRecord } from './log-record.js';
import { LineSlabs } from './line-slabs.js';
import type { LogSink, SinkFailure } from './log-sink.js';
import { RotatingFile } from './rotating-file.js';

export interface FileSinkOptions {
  /** Where `<service>.log` files go, normally `<project>/.devenv/logs`. Created on first write. */
  readonly directory: string;
  /** Name in `stats().droppedBySink` (default `file`). */
  readonly name?: string;
  /** A file is rotated before it would grow past this (default 10 MiB). */
  readonly maxFileBytes?: number;
  /** Rotated files kept: `<service>.log.1` (newest) … `.N` (default 3). */
  readonly keepFiles?: number;
  /**
   * A service's own rotation (its Compose `logging:`), over maxFileBytes and keepFiles; undefined
   * from it: the service keeps no file (`driver: none`), its lines are neither written nor dropped.
   */
  readonly rotationOf?: (service: string) => FileRotation | undefined;
  /** Bytes of lines waiting for the disk per service; lines beyond it are dropped (default 4 MiB). */
  readonly highWaterBytes?: number;
  /** Pause after a failed write before trying the file again (default 1 s). */
  readonly retryAfterMs?: number;
}

export interface FileRotation {
  readonly maxFileBytes: number;
  readonly keepFiles: number;
}

export interface FileSink extends LogSink {
  /** The file a service's lines go to. */
  pathOf(service: string): string;
}

const MiB = 1024 * 1024;
/** The largest epoch ms a Date can hold. */
const MAX_DATE_MS = 8.64e15;
/** Lines are joined into writes of about this size: few syscalls, little memory in flight. */
const WRITE_CHUNK_CHARS = 1024 * 1024;
/**
 * A queue this long (or an eighth of the high-water mark, if less) is written at once; a shorter
 * one waits up to COALESCE_MS for more.
 */
const EARLY_WRITE_CHARS = 256 * 1024;
const COALESCE_MS = 20;

/**
 * Writes each service's lines to `<directory>/<service>.log` as `<ISO time> <stream> <text>`
 * (the time devenv received the line),
 * rotating by size. Disk writes happen in the background; the bus only queues, and when the
 * queue is over its high-water mark the newest lines are dropped and counted instead of
 * making the bus wait or memory grow.
 */
export function createFileSink(options: FileSinkOptions): FileSink {
  return new FileSinkImpl(options);
}

interface Settings extends FileRotation {
  readonly directory: string;
  readonly highWaterBytes: number;
  readonly retryAfterMs: number;
  readonly earlyWriteChars: number;
}

class FileSinkImpl implements FileSink {
  readonly name: string;
  readonly #settings: Settings;
  readonly #rotationOf: FileSinkOptions['rotationOf'];
  readonly #files = new Map<string, ServiceFile>();
  /** null: the service keeps no file. */
  readonly #byService = new Map<string, ServiceFile | null>();
  readonly #counters = { dropped: 0, failure: undefined as SinkFailure | undefined };
  #closed = false;

  constructor(options: FileSinkOptions) {
    this.name = options.name ?? 'file';
    const highWaterBytes = Math.max(1, options.highWaterBytes ?? 4 * MiB);
    this.#settings = {
      directory: options.directory,
      maxFileBytes: Math.max(1, options.maxFileBytes ?? 10 * MiB),
      keepFiles: Math.max(0, Math.floor(options.keepFiles ?? 3)),
      highWaterBytes,
      retryAfterMs: Math.max(0, options.retryAfterMs ?? 1000),
      earlyWriteChars: Math.min(EARLY_WRITE_CHARS, highWaterBytes / 8),
    };
    this.#rotationOf = options.rotationOf;
  }

  pathOf(service: string): string {
    return join(this.#settings.directory, `${fileNameOf(service)}.log`);
  }

  accept(records: readonly LogRecord[]): void {
    if (this.#closed) {
      this.#counters.dropped += records.length;
      return;
    }
    const touched = new Set<ServiceFile>();
    let file: ServiceFile | null = null;
    let service: string | undefined;
    for (const record of records) {
      // Consecutive records are usually from one service: skip the map lookup for them.
      if (record.service !== service) {
        service = record.service;
        file = this.#fileOf(service);
        if (file !== null) touched.add(file);
      }
      file?.enqueue(record);
    }
    for (const f of touched) f.kick();
  }

  dropped(): number {
    return this.#counters.dropped;
  }

  lastFailure(): SinkFailure | undefined {
    return this.#counters.failure;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#files.values()].map((file) => file.close()));
  }

  #fileOf(service: string): ServiceFile | null {
    let file = this.#byService.get(service);
    if (file !== undefined) return file;
    const rotation = this.#rotationOf ? this.#rotationOf(service) : this.#settings;
    if (rotation === undefined) {
      this.#byService.set(service, null);
      return null;
    }
    // Two names may map to one file name (fileNameOf): they share its writer (and the first's rotation).
    const path = this.pathOf(service);
    file = this.#files.get(path);
    if (file === undefined) {
      const settings = {
        ...this.#settings,
        maxFileBytes: Math.max(1, rotation.maxFileBytes),
        keepFiles: Math.max(0, Math.floor(rotation.keepFiles)),
      };
      file = new ServiceFile(path, settings, this.#counters);
      this.#files.set(path, file);
    }
    // Without this, every batch would build the path again: under a flood that is ~100k batches.
    this.#byService.set(service, file);
    return file;
  }
}

/** A service name as a file name: no path separators, no hidden or parent-directory names. */
export function fileNameOf(service: string): string {
  const safe = service.replace(/[^A-Za-z0-9._-]/g, '_');
  return safe.length === 0 || safe.startsWith('.') ? `_${safe}` : safe;
}

class ServiceFile {
  readonly #file: RotatingFile;
  readonly #settings: Settings;
  readonly #counters: { dropped: number; failure: SinkFailure | undefined };
  readonly #queue = new LineSlabs();
  #running = false;
  #closing = false;
  /** The timer that writes a small queue once it has waited COALESCE_MS. */
  #later: NodeJS.Timeout | undefined;
  #idle: (() => void)[] = [];
  #prefixTs = Number.NaN;
  #prefixStream = '';
  #prefix = '';
  #prefixBytes = Buffer.alloc(0);

  constructor(
    path: string,
    settings: Settings,
    counters: { dropped: number; failure: SinkFailure | undefined },
  ) {
    this.#file = new RotatingFile(path, settings);
    this.#settings = settings;
    this.#counters = counters;
  }

  enqueue(record: LogRecord): void {
    const prefix = this.#prefixOf(record);
    const text = record.text;
    const cost = prefix.length + text.length + 1;
    if (this.#queue.chars + cost > this.#settings.highWaterBytes) {
      this.#counters.dropped += 1;
      return;
    }
    this.#queue.push(this.#prefixBytes, text, cost);
  }

  /**
   * Starts the writer loop unless it is already running. A little output waits a moment for
   * more: under a flood each bus tick brings only a few KiB, and a write per tick would cost a
   * syscall and a thread hand-off each time.
   */
  kick(): void {
    if (this.#running || this.#queue.isEmpty) return;
    if (this.#queue.chars < this.#settings.earlyWriteChars && !this.#closing) {
      this.#later ??= setTimeout(this.#onLater, COALESCE_MS);
      return;
    }
    if (this.#later !== undefined) clearTimeout(this.#later);
    this.#later = undefined;
    this.#running = true;
    void this.#drain();
  }

  readonly #onLater = (): void => {
    this.#later = undefined;
    if (this.#running || this.#queue.isEmpty) return;
    this.#running = true;
    void this.#drain();
  };

  async close(): Promise<void> {
    this.#closing = true;
    this.kick();
    if (this.#running) await new Promise<void>((resolve) => this.#idle.push(resolve));
    await this.#file.close();
  }

  async #drain(): Promise<void> {
    // At most ~WRITE_CHUNK_CHARS per write, and at most one file's worth.
    const limit = Math.min(WRITE_CHUNK_CHARS, this.#settings.maxFileBytes);
    try {
      while (!this.#queue.isEmpty) {
        const chunk = this.#queue.take(limit);
        try {
          await this.#file.write(chunk.bytes);
          this.#queue.recycle(chunk);
        } catch (error) {
          this.#counters.dropped += chunk.lines;
          this.#counters.failure = {
            reason: 'file-write-failed',
            path: this.#file.path,
            message: messageOf(error),
          };
          await this.#file.close();
          // At shutdown there is no later; otherwise the queue fills while we wait and the
          // overflow is counted, and the next chunk tries the file afresh.
          if (this.#closing) this.#counters.dropped += this.#queue.clear();
          else await sleep(this.#settings.retryAfterMs);
        }
      }
    } finally {
      // The loop's last queue check and this reset run in one synchronous step, so no record
      // can be queued in between and left without a writer.
      this.#running = false;
      for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  /** `<ISO time> <stream> `: records of one chunk share time and stream, so it is built once. */
  #prefixOf(record: LogRecord): string {
    // The arrival time, not the line's own: reading that would parse every line (see line-record.ts).
    if (record.received !== this.#prefixTs || record.stream !== this.#prefixStream) {
      const ts = record.received;
      const iso = Math.abs(ts) <= MAX_DATE_MS ? new Date(ts).toISOString() : '-';
      this.#prefixTs = ts;
      this.#prefixStream = record.stream;
      this.#prefix = `${iso} ${record.stream} `;
      this.#prefixBytes = Buffer.from(this.#prefix, 'utf8');
    }
    return this.#prefix;
  }
}
