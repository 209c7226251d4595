/** Lines are encoded into buffers of this size (a longer line gets one of its own). */
const SLAB_BYTES = 256 * 1024;
const SPARE_SLABS = 4;

/**
 * Lines waiting for the disk, encoded as they are queued into a slab of bytes outside the JS
 * heap. Under a flood this is most of what the bus would otherwise allocate per line: a queue of
 * strings (promoted to the old generation while they wait for the disk) or a joined copy.
 */
export interface Slab {
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

/** Lines taken for one write: their bytes, how many, and the slabs they emptied. */
export interface Chunk {
  readonly bytes: Buffer;
  readonly lines: number;
  readonly done: readonly Slab[];
}

/** A FIFO of encoded lines in slabs; written slabs of the usual size are reused. */
export class LineSlabs {
  /** Oldest first; new lines go into the last one while it has room. */
  #slabs: Slab[] = [];
  /** Slabs already written, ready for new lines. */
  readonly #spare: Slab[] = [];
  #chars = 0;

  /** Chars of the lines queued (prefix, text and newline each). */
  get chars(): number {
    return this.#chars;
  }

  get isEmpty(): boolean {
    return this.#slabs.length === 0;
  }

  /** Queues `prefix`, `text` and a newline as one line that counts `cost` chars. */
  push(prefix: Buffer, text: string, cost: number): void {
    this.#chars += cost;
    // At most 3 bytes per UTF-16 unit, so the line surely fits.
    const room = prefix.length + text.length * 3 + 1;
    let slab = this.#slabs.at(-1);
    if (slab === undefined || slab.used + room > slab.bytes.length) {
      slab = (room <= SLAB_BYTES ? this.#spare.pop() : undefined) ?? newSlab(room);
      this.#slabs.push(slab);
    }
    const bytes = slab.bytes;
    let at = slab.used;
    bytes.set(prefix, at);
    at += prefix.length;
    at += bytes.write(text, at, 'utf8');
    bytes[at++] = 10; // \n
    slab.used = at;
    if (slab.lines === slab.ends.length) growIndex(slab);
    slab.ends[slab.lines] = at;
    slab.chars[slab.lines] = cost;
    slab.lines += 1;
  }

  /** The oldest lines as one buffer of at most `limit` chars (at least one line, however long). */
  take(limit: number): Chunk {
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
    this.#chars -= chars;
    return { bytes: pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces), lines, done };
  }

  /** A chunk's emptied slabs, once written: a flood then needs no new memory for its bytes. */
  recycle(chunk: Chunk): void {
    for (const slab of chunk.done) {
      if (slab.bytes.length !== SLAB_BYTES || this.#spare.length >= SPARE_SLABS) continue;
      slab.used = 0;
      slab.lines = 0;
      slab.next = 0;
      this.#spare.push(slab);
    }
  }

  /** Forgets every line not yet taken; how many there were. */
  clear(): number {
    let dropped = 0;
    for (const slab of this.#slabs) dropped += slab.lines - slab.next;
    this.#slabs = [];
    this.#chars = 0;
    return dropped;
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
