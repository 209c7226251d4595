import { chmod, mkdir, open, rename, rm } from 'node:fs/promises';
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
 * A queue this long (or an eighth of the high-water mark, if less) is written at once; a shorter
 * one waits up to COALESCE_MS for more.
 */
const EARLY_WRITE_CHARS = 256 * 1024;
const COALESCE_MS = 20;
/** Lines are encoded into buffers of this size (a longer line gets one of its own). */
const SLAB_BYTES = 256 * 1024;
const SPARE_SLABS = 4;

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

interface Settings {
  readonly directory: string;
  readonly maxFileBytes: number;
  readonly keepFiles: number;
  readonly highWaterBytes: number;
  readonly retryAfterMs: number;
  readonly earlyWriteChars: number;
}

class FileSinkImpl implements FileSink {
  readonly name: string;
  readonly #settings: Settings;
  readonly #files = new Map<string, ServiceFile>();
  readonly #byService = new Map<string, ServiceFile>();
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
    let file = this.#byService.get(service);
    if (file !== undefined) return file;
    // Two names may map to one file name (fileNameOf): they share its writer.
    const path = this.pathOf(service);
    file = this.#files.get(path);
    if (file === undefined) {
      file = new ServiceFile(path, this.#settings, this.#counters);
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

/**
 * Lines waiting for the disk, encoded as they are queued into a slab of bytes outside the JS
 * heap. Under a flood this is most of what the bus would otherwise allocate per line: a queue of
 * strings (promoted to the old generation while they wait for the disk) or a joined copy.
 */
interface Slab {
  readonly bytes: Buffer;
  /** Byte offset where each line ends (after its newline); `lines` are in use. */
  ends: Int32Array;
  /** Chars of each line (prefix, text and newline): the unit of the budgets. */
  chars: Int32Array;
  lines: number;
  /** Bytes filled so far. */
  used: number;
  /** The first line not yet taken for writing. */
  next: number;
}

class ServiceFile {
  readonly #path: string;
  readonly #settings: Settings;
  readonly #counters: { dropped: number; failure: SinkFailure | undefined };
  /** Oldest first; new lines go into the last one while it has room. */
  #slabs: Slab[] = [];
  /** Slabs already written, ready for new lines. */
  #spare: Slab[] = [];
  #queuedBytes = 0;
  #running = false;
  #closing = false;
  /** The timer that writes a small queue once it has waited COALESCE_MS. */
  #later: NodeJS.Timeout | undefined;
  #idle: (() => void)[] = [];
  #handle: FileHandle | undefined;
  #size = 0;
  #prefixTs = Number.NaN;
  #prefixStream = '';
  #prefix = '';
  #prefixBytes = Buffer.alloc(0);

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
    const text = record.text;
    const cost = prefix.length + text.length + 1;
    if (this.#queuedBytes + cost > this.#settings.highWaterBytes) {
      this.#counters.dropped += 1;
      return;
    }
    this.#queuedBytes += cost;
    const prefixBytes = this.#prefixBytes;
    // At most 3 bytes per UTF-16 unit, so the line surely fits.
    const room = prefixBytes.length + text.length * 3 + 1;
    let slab = this.#slabs.at(-1);
    if (slab === undefined || slab.used + room > slab.bytes.length) {
      slab = (room <= SLAB_BYTES ? this.#spare.pop() : undefined) ?? newSlab(room);
      this.#slabs.push(slab);
    }
    const bytes = slab.bytes;
    let at = slab.used;
    bytes.set(prefixBytes, at);
    at += prefixBytes.length;
    at += bytes.write(text, at, 'utf8');
    bytes[at++] = 10; // \n
    slab.used = at;
    if (slab.lines === slab.ends.length) growIndex(slab);
    slab.ends[slab.lines] = at;
    slab.chars[slab.lines] = cost;
    slab.lines += 1;
  }

  /**
   * Starts the writer loop unless it is already running. A little output waits a moment for
   * more: under a flood each bus tick brings only a few KiB, and a write per tick would cost a
   * syscall and a thread hand-off each time.
   */
  kick(): void {
    if (this.#running || this.#slabs.length === 0) return;
    if (this.#queuedBytes < this.#settings.earlyWriteChars && !this.#closing) {
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
    if (this.#running || this.#slabs.length === 0) return;
    this.#running = true;
    void this.#drain();
  };

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
      while (this.#slabs.length > 0) {
        const { bytes, lines, done } = this.#takeChunk();
        try {
          await this.#writeChunk(bytes);
          this.#recycle(done);
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
  #takeChunk(): { bytes: Buffer; lines: number; done: Slab[] } {
    const limit = Math.min(WRITE_CHUNK_CHARS, this.#settings.maxFileBytes);
    const pieces: Buffer[] = [];
    const done: Slab[] = [];
    let chars = 0;
    let lines = 0;
    while (this.#slabs.length > 0) {
      const slab = this.#slabs[0]!;
      const first = slab.next;
      let end = first;
      while (end < slab.lines) {
        const line = slab.chars[end]!;
        if (lines > 0 && chars + line > limit) break;
        chars += line;
        lines += 1;
        end += 1;
      }
      if (end > first) {
        const from = first === 0 ? 0 : slab.ends[first - 1]!;
        pieces.push(slab.bytes.subarray(from, slab.ends[end - 1]));
        slab.next = end;
      }
      if (end < slab.lines) break;
      // Taken whole: new lines go to a fresh slab (this one's bytes are about to be written).
      this.#slabs.shift();
      done.push(slab);
    }
    this.#queuedBytes -= chars;
    return { bytes: pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces), lines, done };
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
    // Logs hold what the services print (tokens, queries): the owner's only, whatever the
    // umask, and tightened where an older devenv left them readable to others.
    await mkdir(this.#settings.directory, { recursive: true, mode: 0o700 });
    await chmod(this.#settings.directory, 0o700);
    // Append: the previous session's lines stay readable after a restart.
    const handle = await open(this.#path, 'a', 0o600);
    await handle.chmod(0o600);
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

  /** Written slabs of the usual size are reused: a flood then needs no new memory for its bytes. */
  #recycle(slabs: Slab[]): void {
    for (const slab of slabs) {
      if (slab.bytes.length !== SLAB_BYTES || this.#spare.length >= SPARE_SLABS) continue;
      slab.used = 0;
      slab.lines = 0;
      slab.next = 0;
      this.#spare.push(slab);
    }
  }

  #dropQueue(): void {
    for (const slab of this.#slabs) this.#counters.dropped += slab.lines - slab.next;
    this.#slabs = [];
    this.#queuedBytes = 0;
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

function newSlab(room: number): Slab {
  const index = 1024;
  return {
    bytes: Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, room)),
    ends: new Int32Array(index),
    chars: new Int32Array(index),
    lines: 0,
    used: 0,
    next: 0,
  };
}

function growIndex(slab: Slab): void {
  const ends = new Int32Array(slab.ends.length * 2);
  ends.set(slab.ends);
  slab.ends = ends;
  const chars = new Int32Array(slab.chars.length * 2);
  chars.set(slab.chars);
  slab.chars = chars;
}

async function renameIfPresent(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
