import { mkdir, open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { messageOf } from '../result.js';
import type { LogRecord } from './log-record.js';
import type { LogSink, SinkFailure } from './log-sink.js';

export interface FileSinkOptions {
  /** Where `<service>.log` files go, normally `<project>/.devenv/logs`. Created on first write. */
  readonly directory: string;
  /** Name in `stats().droppedBySink` (default `file`). */
  readonly name?: string;
  /** A file is rotated before it would grow past this (default 10 MiB). */
  readonly maxFileBytes?: number;
  /** Rotated files kept: `<service>.log.1` (newest) … `.N` (default 3). */
  readonly keepFiles?: number;
  /** Bytes of lines waiting for the disk per service; lines beyond it are dropped (default 4 MiB). */
  readonly highWaterBytes?: number;
  /** Pause after a failed write before trying the file again (default 1 s). */
  readonly retryAfterMs?: number;
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
 * Writes each service's lines to `<directory>/<service>.log` as `<ISO time> <stream> <text>`,
 * rotating by size. Disk writes happen in the background; the bus only queues, and when the
 * queue is over its high-water mark the newest lines are dropped and counted instead of
 * making the bus wait or memory grow.
 */
export function createFileSink(options: FileSinkOptions): FileSink {
  return new FileSinkImpl(options);
}

interface Settings {
  readonly directory: string;
  readonly maxFileBytes: number;
  readonly keepFiles: number;
  readonly highWaterBytes: number;
  readonly retryAfterMs: number;
}

class FileSinkImpl implements FileSink {
  readonly name: string;
  readonly #settings: Settings;
  readonly #files = new Map<string, ServiceFile>();
  readonly #counters = { dropped: 0, failure: undefined as SinkFailure | undefined };
  #closed = false;

  constructor(options: FileSinkOptions) {
    this.name = options.name ?? 'file';
    this.#settings = {
      directory: options.directory,
      maxFileBytes: Math.max(1, options.maxFileBytes ?? 10 * MiB),
      keepFiles: Math.max(0, Math.floor(options.keepFiles ?? 3)),
      highWaterBytes: Math.max(1, options.highWaterBytes ?? 4 * MiB),
      retryAfterMs: Math.max(0, options.retryAfterMs ?? 1000),
    };
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
    let file: ServiceFile | undefined;
    let service: string | undefined;
    for (const record of records) {
      // Consecutive records are usually from one service: skip the map lookup for them.
      if (record.service !== service || file === undefined) {
        service = record.service;
        file = this.#fileOf(service);
        touched.add(file);
      }
      file.enqueue(record);
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

  #fileOf(service: string): ServiceFile {
    const path = this.pathOf(service);
    let file = this.#files.get(path);
    if (file === undefined) {
      file = new ServiceFile(path, this.#settings, this.#counters);
      this.#files.set(path, file);
    }
    return file;
  }
}

/** A service name as a file name: no path separators, no hidden or parent-directory names. */
export function fileNameOf(service: string): string {
  const safe = service.replace(/[^A-Za-z0-9._-]/g, '_');
  return safe.length === 0 || safe.startsWith('.') ? `_${safe}` : safe;
}

class ServiceFile {
  readonly #path: string;
  readonly #settings: Settings;
  readonly #counters: { dropped: number; failure: SinkFailure | undefined };
  /**
   * Formatted lines waiting for the disk, as `prefix, text, "\n"` triples. Formatting at once
   * lets records die young (only their text waits), and `join` builds each write in one copy.
   */
  #parts: string[] = [];
  /** Index of the first part not yet written. */
  #head = 0;
  #queuedBytes = 0;
  #running = false;
  #closing = false;
  #idle: (() => void)[] = [];
  #handle: FileHandle | undefined;
  #size = 0;
  #prefixTs = Number.NaN;
  #prefixStream = '';
  #prefix = '';

  constructor(
    path: string,
    settings: Settings,
    counters: { dropped: number; failure: SinkFailure | undefined },
  ) {
    this.#path = path;
    this.#settings = settings;
    this.#counters = counters;
  }

  enqueue(record: LogRecord): void {
    const prefix = this.#prefixOf(record);
    const cost = prefix.length + record.text.length + 1;
    if (this.#queuedBytes + cost > this.#settings.highWaterBytes) {
      this.#counters.dropped += 1;
      return;
    }
    this.#parts.push(prefix, record.text, '\n');
    this.#queuedBytes += cost;
  }

  /** Starts the writer loop unless it is already running. */
  kick(): void {
    if (this.#running || this.#head >= this.#parts.length) return;
    this.#running = true;
    void this.#drain();
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.kick();
    if (this.#running) await new Promise<void>((resolve) => this.#idle.push(resolve));
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close().catch(() => undefined);
  }

  async #drain(): Promise<void> {
    try {
      while (this.#head < this.#parts.length) {
        const { bytes, lines } = this.#takeChunk();
        try {
          await this.#writeChunk(bytes);
        } catch (error) {
          this.#counters.dropped += lines;
          this.#counters.failure = {
            reason: 'file-write-failed',
            path: this.#path,
            message: messageOf(error),
          };
          await this.#handle?.close().catch(() => undefined);
          this.#handle = undefined;
          // At shutdown there is no later; otherwise the queue fills while we wait and the
          // overflow is counted, and the next chunk tries the file afresh.
          if (this.#closing) this.#dropQueue();
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

  /** The next lines as one buffer of at most ~WRITE_CHUNK_CHARS (and at most one file's worth). */
  #takeChunk(): { bytes: Buffer; lines: number } {
    const limit = Math.min(WRITE_CHUNK_CHARS, this.#settings.maxFileBytes);
    const parts = this.#parts;
    const start = this.#head;
    let end = start;
    let chars = 0;
    while (end < parts.length) {
      const line = (parts[end] ?? '').length + (parts[end + 1] ?? '').length + 1;
      if (end > start && chars + line > limit) break;
      chars += line;
      end += 3;
    }
    const text =
      start === 0 && end === parts.length ? parts.join('') : parts.slice(start, end).join('');
    if (end === parts.length) {
      this.#parts = [];
      this.#head = 0;
    } else if (end > 300_000 && end * 2 > parts.length) {
      this.#parts = parts.slice(end); // Compact now and then, not per chunk.
      this.#head = 0;
    } else {
      parts.fill('', start, end); // Let the texts go.
      this.#head = end;
    }
    this.#queuedBytes -= chars;
    return { bytes: Buffer.from(text, 'utf8'), lines: (end - start) / 3 };
  }

  async #writeChunk(bytes: Buffer): Promise<void> {
    if (this.#handle === undefined) await this.#open();
    if (this.#size > 0 && this.#size + bytes.length > this.#settings.maxFileBytes) {
      await this.#rotate();
    }
    const handle = this.#handle;
    if (handle === undefined) throw new Error(`${this.#path} is not open`);
    await handle.write(bytes);
    this.#size += bytes.length;
  }

  async #open(): Promise<void> {
    await mkdir(this.#settings.directory, { recursive: true });
    // Append: the previous session's lines stay readable after a restart.
    const handle = await open(this.#path, 'a');
    this.#handle = handle;
    this.#size = (await handle.stat()).size;
  }

  /** `x.log` → `x.log.1` → … → `x.log.N`; the oldest is overwritten by the rename. */
  async #rotate(): Promise<void> {
    await this.#handle?.close();
    this.#handle = undefined;
    const keep = this.#settings.keepFiles;
    if (keep === 0) {
      await rm(this.#path, { force: true });
    } else {
      for (let i = keep - 1; i >= 1; i--) {
        await renameIfPresent(`${this.#path}.${i}`, `${this.#path}.${i + 1}`);
      }
      await renameIfPresent(this.#path, `${this.#path}.1`);
    }
    await this.#open();
  }

  #dropQueue(): void {
    this.#counters.dropped += (this.#parts.length - this.#head) / 3;
    this.#parts = [];
    this.#head = 0;
    this.#queuedBytes = 0;
  }

  /** `<ISO time> <stream> `: records of one chunk share time and stream, so it is built once. */
  #prefixOf(record: LogRecord): string {
    if (record.ts !== this.#prefixTs || record.stream !== this.#prefixStream) {
      const ts = record.ts;
      const iso = Math.abs(ts) <= MAX_DATE_MS ? new Date(ts).toISOString() : '-';
      this.#prefixTs = ts;
      this.#prefixStream = record.stream;
      this.#prefix = `${iso} ${record.stream} `;
    }
    return this.#prefix;
  }
}

async function renameIfPresent(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
