import { levelFromName } from './log-level.js';
import type { LogLevel } from './log-record.js';

// Sticky: it matches at `lastIndex` only, so a miss costs a few comparisons, not a scan.
const TIMESTAMP = /\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\s+/y;

/** Upper-case level words a plain line may start with, longest first where one prefixes another. */
const PREFIX_WORDS: readonly (readonly [string, LogLevel])[] = [
  ['TRACE', 'trace'],
  ['DEBUG', 'debug'],
  ['INFO', 'info'],
  ['WARNING', 'warn'],
  ['WARN', 'warn'],
  ['ERROR', 'error'],
  ['ERR', 'error'],
  ['FATAL', 'fatal'],
  ['PANIC', 'fatal'],
  ['CRITICAL', 'fatal'],
  ['CRIT', 'fatal'],
];

/**
 * The level of a plain line, only when it is obvious: an upper-case level word at the start
 * (`ERROR …`, `[WARN] …`, Python's `WARNING:root:…`), possibly after colour codes or an ISO
 * timestamp, or a logfmt `level=` / `lvl=` key (Go's slog, which the Temporal CLI uses).
 * "error handling done" is not an error line, so lower-case words at the start are ignored.
 */
export function sniffLevel(text: string): LogLevel | undefined {
  let i = 0;
  while (text.charCodeAt(i) === 27 /* ESC */) {
    const m = text.indexOf('m', i);
    if (m === -1 || m - i > 16) break;
    i = m + 1;
  }
  const first = text.charCodeAt(i);
  if (first >= 48 && first <= 57) {
    TIMESTAMP.lastIndex = i;
    if (TIMESTAMP.test(text)) i = TIMESTAMP.lastIndex;
  }
  switch (text.charCodeAt(i)) {
    // [ C D E F I P T W: the only chars a level prefix can start with.
    case 91:
    case 67:
    case 68:
    case 69:
    case 70:
    case 73:
    case 80:
    case 84:
    case 87:
      return prefixLevel(text, i) ?? logfmtLevel(text);
  }
  return logfmtLevel(text);
}

/** A level word at `at` (after an optional `[`), ending at a non-word char; no regex, no allocation. */
function prefixLevel(text: string, at: number): LogLevel | undefined {
  const start = text.charCodeAt(at) === 91 /* [ */ ? at + 1 : at;
  for (const [word, level] of PREFIX_WORDS) {
    if (text.startsWith(word, start) && !isWordChar(text.charCodeAt(start + word.length))) {
      return level;
    }
  }
  return undefined;
}

/** Letters, digits, `_` and `-`: "ERRORS" and "ERROR-prone" are words, not levels. */
function isWordChar(c: number): boolean {
  return (
    (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 45
  );
}

function logfmtLevel(text: string): LogLevel | undefined {
  let at = text.indexOf('level=');
  let keyLength = 6;
  if (at === -1) {
    at = text.indexOf('lvl=');
    keyLength = 4;
  }
  if (at === -1) return undefined;
  // A key, not the tail of another word ("xlevel="), in a line that is logfmt from its first
  // token ("time=… level=…"), not prose that happens to mention "level=".
  if (at > 0 && text.charCodeAt(at - 1) !== 32) return undefined;
  const firstSpace = text.indexOf(' ');
  const firstEquals = text.indexOf('=');
  if (firstSpace !== -1 && firstEquals > firstSpace) return undefined;
  let from = at + keyLength;
  if (text.charCodeAt(from) === 34 /* " */) from += 1;
  let to = from;
  while (to < text.length && isLetter(text.charCodeAt(to))) to += 1;
  return to === from ? undefined : levelFromName(text.slice(from, to));
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
