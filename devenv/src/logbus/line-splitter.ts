import { isAscii } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';

/** Lines longer than this many UTF-16 code units (≈ bytes for ASCII) are cut, with a marker. */
export const DEFAULT_MAX_LINE_CHARS = 64 * 1024;

export interface LineSplitterOptions {
  readonly maxLineChars?: number;
}

/** The text appended to a cut line, so a reader knows the line went on. */
export function truncationMarker(droppedChars: number): string {
  return ` …[truncated ${droppedChars} chars]`;
}

/** Receives each line, without its line ending. */
export type OnLine = (line: string) => void;

/**
 * Turns a stream of chunks into lines. One splitter per (service, stream): a chunk boundary may
 * fall anywhere, even inside a UTF-8 sequence, so the decoder and the partial line are per stream.
 *
 * Speed comes from letting V8 do the scanning: each chunk is decoded once, `indexOf('\n')` finds
 * the ends and `slice` cuts the lines. A slice may share memory with its chunk; because the lines
 * a reader keeps are consecutive, that costs about what the lines themselves cost.
 */
export class LineSplitter {
  readonly #onLine: OnLine;
  readonly #max: number;
  readonly #decoder = new StringDecoder('utf8');
  /** The start of a line whose end has not arrived yet; at most `#max + 1` chars. */
  #pending = '';
  /** Chars of the pending line dropped beyond `#max + 1`. */
  #dropped = 0;
  /** Whether the last char seen of the pending line was `\r`, even if it was dropped. */
  #lastWasCR = false;

  constructor(onLine: OnLine, options: LineSplitterOptions = {}) {
    this.#onLine = onLine;
    this.#max = Math.max(1, options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS);
  }

  /** Emits every line the chunk completes; keeps the unterminated rest for the next chunk. */
  push(chunk: Buffer | string): void {
    let s: string;
    if (typeof chunk === 'string') {
      s = chunk;
    } else if (isAscii(chunk) && decoderIsEmpty(this.#decoder)) {
      // Most output is ASCII: chars and bytes line up, and latin1 is the cheapest decode.
      s = chunk.toString('latin1');
    } else {
      // Invalid UTF-8 becomes U+FFFD here rather than failing: logs are shown, not trusted.
      s = this.#decoder.write(chunk);
    }
    if (s.length === 0) return;
    let start = 0;
    let nl = s.indexOf('\n');
    if (this.#pending.length > 0 || this.#dropped > 0) {
      if (nl === -1) {
        this.#appendPending(s, 0, s.length);
        return;
      }
      // Join only the head of this chunk to the partial line; the rest is sliced in place.
      this.#appendPending(s, 0, nl);
      this.#emitPending();
      start = nl + 1;
      nl = s.indexOf('\n', start);
    }
    const max = this.#max;
    while (nl !== -1) {
      const end = nl > start && s.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      if (end - start > max) this.#onLine(cut(s.slice(start, start + max), end - start, max));
      else this.#onLine(s.slice(start, end));
      start = nl + 1;
      nl = s.indexOf('\n', start);
    }
    if (start < s.length) this.#appendPending(s, start, s.length);
  }

  /** Emits the final unterminated line, if any (the child exited or the stream ended). */
  flush(): void {
    const rest = this.#decoder.end();
    if (rest.length > 0) this.#appendPending(rest, 0, rest.length);
    if (this.#pending.length > 0 || this.#dropped > 0) this.#emitPending();
  }

  #appendPending(s: string, from: number, to: number): void {
    if (to <= from) return;
    this.#lastWasCR = s.charCodeAt(to - 1) === 13;
    // One char of slack so a `\r` just past the limit is not mistaken for lost text.
    const room = this.#max + 1 - this.#pending.length;
    if (to - from <= room) {
      this.#pending += s.slice(from, to);
    } else {
      if (room > 0) this.#pending += s.slice(from, from + room);
      this.#dropped += to - from - Math.max(0, room);
    }
  }

  #emitPending(): void {
    let line = this.#pending;
    let dropped = this.#dropped;
    if (this.#lastWasCR) {
      if (dropped > 0) dropped -= 1;
      else line = line.slice(0, -1);
    }
    this.#pending = '';
    this.#dropped = 0;
    this.#lastWasCR = false;
    const total = line.length + dropped;
    this.#onLine(total > this.#max ? cut(line, total, this.#max) : line);
  }
}

/** Whether the decoder holds no bytes of an unfinished UTF-8 sequence from the previous chunk. */
function decoderIsEmpty(decoder: StringDecoder): boolean {
  return (decoder as unknown as { lastNeed: number }).lastNeed === 0;
}

/** `line` itself, or its first `maxLineChars` chars and the marker when it is longer. */
export function capLine(line: string, maxLineChars = DEFAULT_MAX_LINE_CHARS): string {
  return line.length > maxLineChars ? cut(line, line.length, maxLineChars) : line;
}

/**
 * The first `max` chars of `head` plus a marker counting what was left out of `totalChars`.
 * Never splits a surrogate pair, so the line stays valid UTF-16 (and valid UTF-8 in files).
 */
function cut(head: string, totalChars: number, max: number): string {
  let keep = Math.min(max, head.length);
  const last = head.charCodeAt(keep - 1);
  if (last >= 0xd800 && last <= 0xdbff) keep -= 1;
  return head.slice(0, keep) + truncationMarker(totalChars - keep);
}
