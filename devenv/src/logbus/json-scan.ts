/**
 * A validating scan of a one-line JSON object, over the raw bytes of an ASCII chunk, that
 * allocates nothing: it checks the whole line against the JSON grammar (so it accepts exactly
 * what `JSON.parse` accepts of the same text) and notes where the values of the few top-level
 * keys a log record needs (level, message, time) are. Building the other fields is left to
 * whoever reads them.
 *
 * Bytes, not a string: V8 reads a typed array several times faster than `charCodeAt` on a
 * sliced string, and this loop touches every char of every JSON line.
 *
 * The result lives in module state and is valid until the next scan: the bus reads it at once.
 */

/** The top-level keys whose values a record needs (indices into the scan's spans). */
export const K_LEVEL = 0;
export const K_LEVELNAME = 1;
export const K_SEVERITY = 2;
export const K_LVL = 3;
export const K_MSG = 4;
export const K_MESSAGE = 5;
export const K_EVENT = 6;
export const K_TIME = 7;
export const K_TS = 8;
export const K_TIMESTAMP = 9;
export const K_AT_TIMESTAMP = 10;
const KEY_COUNT = 11;

/** What a wanted key's value is. */
export const ABSENT = 0;
export const STRING = 1;
/** A string with backslash escapes: its value needs decoding. */
export const ESCAPED_STRING = 2;
export const NUMBER = 3;
/** An object, array, `true`, `false` or `null`. */
export const OTHER = 4;

/** Per key: kind, then the value's span (for strings, inside the quotes). The last duplicate wins, as in JSON.parse. */
const kinds = new Uint8Array(KEY_COUNT);
const starts = new Int32Array(KEY_COUNT);
const ends = new Int32Array(KEY_COUNT);
/** Whether some top-level key had an escape, so it may spell one of the keys above. */
let escapedKey = false;

/** ABSENT, STRING, ESCAPED_STRING, NUMBER or OTHER. */
export function kindOf(key: number): number {
  return kinds[key]!;
}
/** Where the value starts (for strings, after the opening quote). */
export function startOf(key: number): number {
  return starts[key]!;
}
/** Where the value ends (for strings, at the closing quote). */
export function endOf(key: number): number {
  return ends[key]!;
}
export function sawEscapedKey(): boolean {
  return escapedKey;
}

/**
 * Whether `bytes[from, to)` (ASCII) is exactly one JSON object with no surrounding whitespace;
 * fills the spans (as offsets into `bytes`).
 */
export function scanJsonObject(bytes: Uint8Array, from: number, to: number): boolean {
  kinds.fill(0);
  escapedKey = false;
  if (to - from < 2 || bytes[from] !== 123 /* { */) return false;
  let i = skipSpace(bytes, from + 1, to);
  if (i < to && bytes[i] === 125 /* } */) return i + 1 === to;
  for (;;) {
    if (i >= to || bytes[i] !== 34 /* " */) return false;
    const keyStart = i + 1;
    const keyEnd = scanString(bytes, keyStart, to);
    if (keyEnd === INVALID) return false;
    let key = -1;
    if (keyEnd === ESCAPED) {
      escapedKey = true;
      i = scanEscapedString(bytes, keyStart, to);
      if (i < 0) return false;
    } else {
      key = keyOf(bytes, keyStart, keyEnd);
      i = keyEnd + 1;
    }
    i = skipSpace(bytes, i, to);
    if (i >= to || bytes[i] !== 58 /* : */) return false;
    i = skipSpace(bytes, i + 1, to);
    if (i >= to) return false;
    const valueStart = i;
    const c = bytes[i]!;
    let kind: number;
    if (c === 34 /* " */) {
      const end = scanString(bytes, i + 1, to);
      if (end === ESCAPED) {
        i = scanEscapedString(bytes, i + 1, to);
        if (i < 0) return false;
        kind = ESCAPED_STRING;
      } else if (end === INVALID) {
        return false;
      } else {
        i = end + 1;
        kind = STRING;
      }
    } else if (c === 45 /* - */ || isDigit(c)) {
      i = scanNumber(bytes, i, to);
      if (i < 0) return false;
      kind = NUMBER;
    } else {
      i = scanValue(bytes, i, to);
      if (i < 0) return false;
      kind = OTHER;
    }
    if (key >= 0) {
      kinds[key] = kind;
      const quoted = kind === STRING || kind === ESCAPED_STRING;
      starts[key] = quoted ? valueStart + 1 : valueStart;
      ends[key] = quoted ? i - 1 : i;
    }
    i = skipSpace(bytes, i, to);
    if (i >= to) return false;
    const next = bytes[i];
    if (next === 44 /* , */) {
      i = skipSpace(bytes, i + 1, to);
      continue;
    }
    return next === 125 /* } */ && i + 1 === to;
  }
}

/** Which of the wanted keys `bytes[start, end)` spells, or -1. */
function keyOf(bytes: Uint8Array, start: number, end: number): number {
  switch (end - start) {
    case 2:
      return spells(bytes, start, 'ts') ? K_TS : -1;
    case 3:
      if (spells(bytes, start, 'msg')) return K_MSG;
      return spells(bytes, start, 'lvl') ? K_LVL : -1;
    case 4:
      return spells(bytes, start, 'time') ? K_TIME : -1;
    case 5:
      if (spells(bytes, start, 'level')) return K_LEVEL;
      return spells(bytes, start, 'event') ? K_EVENT : -1;
    case 7:
      return spells(bytes, start, 'message') ? K_MESSAGE : -1;
    case 8:
      return spells(bytes, start, 'severity') ? K_SEVERITY : -1;
    case 9:
      if (spells(bytes, start, 'levelname')) return K_LEVELNAME;
      return spells(bytes, start, 'timestamp') ? K_TIMESTAMP : -1;
    case 10:
      return spells(bytes, start, '@timestamp') ? K_AT_TIMESTAMP : -1;
    default:
      return -1;
  }
}

/** Whether the bytes at `at` are the ASCII `word` (the caller checked the length). */
function spells(bytes: Uint8Array, at: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) if (bytes[at + k] !== word.charCodeAt(k)) return false;
  return true;
}

const INVALID = -1;
const ESCAPED = -2;

function skipSpace(bytes: Uint8Array, i: number, to: number): number {
  while (i < to) {
    const c = bytes[i]!;
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
    i++;
  }
  return i;
}

/** The index of the closing quote of a string without escapes; ESCAPED at a backslash; INVALID. */
function scanString(bytes: Uint8Array, i: number, to: number): number {
  for (; i < to; i++) {
    const c = bytes[i]!;
    if (c === 34) return i;
    if (c === 92) return ESCAPED;
    // Raw control chars are not allowed in JSON strings.
    if (c < 32) return INVALID;
  }
  return INVALID;
}

/** The index after the closing quote of a string that may have escapes; -1 if invalid. */
function scanEscapedString(bytes: Uint8Array, i: number, to: number): number {
  while (i < to) {
    const c = bytes[i]!;
    if (c === 34) return i + 1;
    if (c === 92) {
      if (i + 1 >= to) return -1;
      const e = bytes[i + 1]!;
      if (e === 117 /* u */) {
        if (i + 6 > to) return -1;
        for (let h = i + 2; h < i + 6; h++) if (!isHex(bytes[h]!)) return -1;
        i += 6;
        continue;
      }
      // " \ / b f n r t
      if (
        e === 34 ||
        e === 92 ||
        e === 47 ||
        e === 98 ||
        e === 102 ||
        e === 110 ||
        e === 114 ||
        e === 116
      ) {
        i += 2;
        continue;
      }
      return -1;
    }
    if (c < 32) return -1;
    i++;
  }
  return -1;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Digits from `i`: the index after the last one. */
function digits(bytes: Uint8Array, i: number, to: number): number {
  while (i < to && isDigit(bytes[i]!)) i++;
  return i;
}

/** `-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`: the index after it, or -1. */
function scanNumber(bytes: Uint8Array, i: number, to: number): number {
  if (i < to && bytes[i] === 45) i++;
  if (i >= to) return -1;
  const first = bytes[i]!;
  if (first === 48) i++;
  else if (first >= 49 && first <= 57) i = digits(bytes, i + 1, to);
  else return -1;
  if (i < to && bytes[i] === 46 /* . */) {
    const after = digits(bytes, i + 1, to);
    if (after === i + 1) return -1;
    i = after;
  }
  if (i < to && (bytes[i] === 101 || bytes[i] === 69)) {
    i++;
    if (i < to && (bytes[i] === 43 || bytes[i] === 45)) i++;
    const after = digits(bytes, i, to);
    if (after === i) return -1;
    i = after;
  }
  return i;
}

/** Whether the bytes at `i` are the ASCII `word`, within `to`. */
function literal(bytes: Uint8Array, i: number, to: number, word: string): boolean {
  return i + word.length <= to && spells(bytes, i, word);
}

/** Any JSON value (nested objects and arrays iteratively): the index after it, or -1. */
function scanValue(bytes: Uint8Array, i: number, to: number): number {
  // The closing brackets still due, innermost last: no recursion, so no depth limit.
  const open: number[] = [];
  for (;;) {
    // A value is expected at i.
    if (i >= to) return -1;
    const c = bytes[i]!;
    if (c === 34) {
      const end = scanString(bytes, i + 1, to);
      i = end === ESCAPED ? scanEscapedString(bytes, i + 1, to) : end === INVALID ? -1 : end + 1;
    } else if (c === 45 || isDigit(c)) {
      i = scanNumber(bytes, i, to);
    } else if (c === 116 /* t */) {
      i = literal(bytes, i, to, 'true') ? i + 4 : -1;
    } else if (c === 102 /* f */) {
      i = literal(bytes, i, to, 'false') ? i + 5 : -1;
    } else if (c === 110 /* n */) {
      i = literal(bytes, i, to, 'null') ? i + 4 : -1;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      const close = c === 123 ? 125 : 93;
      i = skipSpace(bytes, i + 1, to);
      if (i < to && bytes[i] === close) {
        i++;
      } else {
        open.push(close);
        if (close === 125) {
          i = objectKey(bytes, i, to);
          if (i < 0) return -1;
        }
        continue;
      }
    } else {
      return -1;
    }
    if (i < 0) return -1;
    // After a value: a comma, or the end of the innermost open bracket(s).
    for (;;) {
      if (open.length === 0) return i;
      i = skipSpace(bytes, i, to);
      if (i >= to) return -1;
      const d = bytes[i];
      const close = open[open.length - 1];
      if (d === 44 /* , */) {
        i = skipSpace(bytes, i + 1, to);
        if (close === 125) {
          i = objectKey(bytes, i, to);
          if (i < 0) return -1;
        }
        break;
      }
      if (d !== close) return -1;
      open.pop();
      i++;
    }
  }
}

/** `"key" :` inside a nested object: the index of the value after it, or -1. */
function objectKey(bytes: Uint8Array, i: number, to: number): number {
  if (i >= to || bytes[i] !== 34) return -1;
  const end = scanString(bytes, i + 1, to);
  i = end === ESCAPED ? scanEscapedString(bytes, i + 1, to) : end === INVALID ? -1 : end + 1;
  if (i < 0) return -1;
  i = skipSpace(bytes, i, to);
  if (i >= to || bytes[i] !== 58) return -1;
  return skipSpace(bytes, i + 1, to);
}
