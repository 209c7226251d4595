import { LineRecord } from './line-record.js';
import type { LogLevel, LogStream } from './log-record.js';

const LEVELS: readonly (LogLevel | undefined)[] = [
  undefined,
  'trace',
  'debug',
  'info',
  'warn',
  'error',
  'fatal',
];
const STREAMS: readonly LogStream[] = ['stdout', 'stderr', 'devenv'];

export const DEFAULT_MAX_ITEMS = 10_000;
export const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

export interface RecordRingOptions {
  readonly maxItems?: number | undefined;
  readonly maxBytes?: number | undefined;
}

/**
 * The newest records of one service within a count and a byte budget (pushing evicts the oldest), but
 * stored as columns: the text of each line plus a few numbers in typed arrays.
 *
 * Why not the record objects themselves: under a flood every record lives for the last 10,000
 * lines, long enough to be copied twice by V8's young-generation collector and then collected
 * again from the old one; with ~6 objects per record (record, time, text, message, fields) that
 * collection was most of devenv's CPU. Here a line keeps nothing alive in the JS heap: its text
 * is copied as UTF-8 into pages outside it (`TextPages`). Records are rebuilt when read (tail,
 * search) as `LineRecord`s, which read level, message, time and fields from the text if asked.
 */
export class RecordRing {
  readonly #service: string;
  readonly #maxItems: number;
  readonly #maxBytes: number;
  readonly #pages = new TextPages();
  /** Where each text is in `#pages`. */
  #pageIds: Float64Array;
  #starts: Int32Array;
  #lengths: Int32Array;
  /** Texts kept as strings because UTF-8 cannot hold them exactly (lone surrogates); else undefined. */
  #odd: (string | undefined)[];
  #seqs: Float64Array;
  /** When each line arrived. */
  #times: Float64Array;
  /** Index into LEVELS: a level devenv gave the line itself (0: none). */
  #levels: Uint8Array;
  /** Index into STREAMS. */
  #streams: Uint8Array;
  #sizes: Float64Array;
  /** Index of the oldest record. */
  #head = 0;
  #count = 0;
  #bytes = 0;
  #evicted = 0;

  constructor(service: string, options: RecordRingOptions = {}) {
    this.#service = service;
    this.#maxItems = Math.max(1, Math.floor(options.maxItems ?? DEFAULT_MAX_ITEMS));
    this.#maxBytes = Math.max(0, options.maxBytes ?? DEFAULT_MAX_BYTES);
    const initial = Math.min(this.#maxItems, 256);
    this.#pageIds = new Float64Array(initial);
    this.#starts = new Int32Array(initial);
    this.#lengths = new Int32Array(initial);
    this.#odd = new Array<string | undefined>(initial);
    this.#seqs = new Float64Array(initial);
    this.#times = new Float64Array(initial);
    this.#levels = new Uint8Array(initial);
    this.#streams = new Uint8Array(initial);
    this.#sizes = new Float64Array(initial);
  }

  get size(): number {
    return this.#count;
  }

  /** The estimated bytes of the records held (as the bus estimates each record). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Records pushed out so far to stay within the budgets. */
  get evicted(): number {
    return this.#evicted;
  }

  /** Adds the newest record; a record larger than the whole byte budget is still kept (alone). */
  push(record: LineRecord, size: number): void {
    while (
      this.#count > 0 &&
      (this.#count >= this.#maxItems || this.#bytes + size > this.#maxBytes)
    ) {
      this.#evictOldest();
    }
    if (this.#count === this.#seqs.length) this.#grow();
    const at = (this.#head + this.#count) % this.#seqs.length;
    const text = record.text;
    if (text.isWellFormed()) {
      this.#pageIds[at] = this.#pages.add(text);
      this.#starts[at] = this.#pages.lastStart;
      this.#lengths[at] = this.#pages.lastLength;
      this.#odd[at] = undefined;
    } else {
      this.#pageIds[at] = -1;
      this.#odd[at] = text;
    }
    this.#seqs[at] = record.seq;
    this.#times[at] = record.received;
    this.#levels[at] = LEVELS.indexOf(record.givenLevel);
    this.#streams[at] = STREAMS.indexOf(record.stream);
    this.#sizes[at] = size;
    this.#count += 1;
    this.#bytes += size;
  }

  /** The record `index` places after the oldest (0 = oldest), rebuilt, if held. */
  at(index: number): LineRecord | undefined {
    if (index < 0 || index >= this.#count) return undefined;
    return this.#record((this.#head + index) % this.#seqs.length);
  }

  /** Records `[from, to)` counted from the oldest, oldest first; bounds are clamped. */
  slice(from = 0, to = this.#count): LineRecord[] {
    const start = Math.max(0, Math.min(from, this.#count));
    const end = Math.max(start, Math.min(to, this.#count));
    const out = new Array<LineRecord>(end - start);
    const capacity = this.#seqs.length;
    for (let i = start; i < end; i++) out[i - start] = this.#record((this.#head + i) % capacity);
    return out;
  }

  #record(slot: number): LineRecord {
    const pageId = this.#pageIds[slot]!;
    const text =
      pageId < 0
        ? (this.#odd[slot] ?? '')
        : this.#pages.text(pageId, this.#starts[slot]!, this.#lengths[slot]!);
    return new LineRecord(
      this.#seqs[slot]!,
      this.#service,
      STREAMS[this.#streams[slot]!]!,
      text,
      this.#times[slot]!,
      LEVELS[this.#levels[slot]!],
    );
  }

  #evictOldest(): void {
    const head = this.#head;
    const pageId = this.#pageIds[head]!;
    if (pageId >= 0) this.#pages.release(pageId);
    this.#odd[head] = undefined; // Let the text be collected now, not when overwritten.
    this.#bytes -= this.#sizes[head] ?? 0;
    this.#head = (head + 1) % this.#seqs.length;
    this.#count -= 1;
    this.#evicted += 1;
    if (this.#count === 0) this.#bytes = 0; // Float drift must not accumulate across a flood.
  }

  #grow(): void {
    const old = this.#seqs.length;
    const capacity = Math.min(this.#maxItems, old * 2);
    const pageIds = new Float64Array(capacity);
    const starts = new Int32Array(capacity);
    const lengths = new Int32Array(capacity);
    const odd = new Array<string | undefined>(capacity);
    const seqs = new Float64Array(capacity);
    const times = new Float64Array(capacity);
    const levels = new Uint8Array(capacity);
    const streams = new Uint8Array(capacity);
    const sizes = new Float64Array(capacity);
    for (let i = 0; i < this.#count; i++) {
      const from = (this.#head + i) % old;
      pageIds[i] = this.#pageIds[from]!;
      starts[i] = this.#starts[from]!;
      lengths[i] = this.#lengths[from]!;
      odd[i] = this.#odd[from];
      seqs[i] = this.#seqs[from]!;
      times[i] = this.#times[from]!;
      levels[i] = this.#levels[from]!;
      streams[i] = this.#streams[from]!;
      sizes[i] = this.#sizes[from]!;
    }
    this.#pageIds = pageIds;
    this.#starts = starts;
    this.#lengths = lengths;
    this.#odd = odd;
    this.#seqs = seqs;
    this.#times = times;
    this.#levels = levels;
    this.#streams = streams;
    this.#sizes = sizes;
    this.#head = 0;
  }
}

/** Texts are copied into pages of this size (a longer one gets a page of its own). */
const PAGE_BYTES = 256 * 1024;

/**
 * Texts as UTF-8 in a queue of pages outside the JS heap, added and released oldest first (the
 * ring's order): a page is dropped once every text in it has been released.
 */
class TextPages {
  #pages: Buffer[] = [];
  /** Texts not yet released, per page. */
  #live: number[] = [];
  /** The id of `#pages[0]`; ids only grow. */
  #firstId = 0;
  #used = 0;
  /** A dropped page of the usual size, kept for the next one. */
  #spare: Buffer | undefined;
  /** Where the last `add` put its text. */
  lastStart = 0;
  lastLength = 0;

  /** Copies `text` in; returns its page id (its place is in `lastStart`, `lastLength`). */
  add(text: string): number {
    const room = text.length * 3; // UTF-8 takes at most 3 bytes per UTF-16 unit
    let last = this.#pages.length - 1;
    if (last < 0 || this.#used + room > this.#pages[last]!.length) {
      const size = Math.max(PAGE_BYTES, room);
      const spare = this.#spare;
      this.#spare = undefined;
      this.#pages.push(
        spare !== undefined && size === PAGE_BYTES ? spare : Buffer.allocUnsafeSlow(size),
      );
      this.#live.push(0);
      this.#used = 0;
      last += 1;
    }
    const written = this.#pages[last]!.write(text, this.#used, 'utf8');
    this.lastStart = this.#used;
    this.lastLength = written;
    this.#used += written;
    this.#live[last]! += 1;
    return this.#firstId + last;
  }

  text(id: number, start: number, length: number): string {
    return this.#pages[id - this.#firstId]!.toString('utf8', start, start + length);
  }

  release(id: number): void {
    const index = id - this.#firstId;
    this.#live[index]! -= 1;
    // Oldest pages empty first; the page being filled stays.
    while (this.#pages.length > 1 && this.#live[0] === 0) {
      const page = this.#pages.shift()!;
      this.#live.shift();
      this.#firstId += 1;
      if (page.length === PAGE_BYTES) this.#spare = page;
    }
  }
}
