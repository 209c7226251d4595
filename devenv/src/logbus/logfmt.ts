/**
 * logfmt (`time=… level=info msg="worker started" taskQueue=q`), as Go's slog and the Temporal CLI
 * write it: the pairs of a line, or undefined when the line is not logfmt from its first token.
 * Values stay strings; a bare key (`verbose`) reads as `true`, as logfmt defines.
 */
export function readLogfmt(text: string): Record<string, unknown> | undefined {
  if (!startsWithPair(text)) return undefined;
  const pairs: Record<string, unknown> = {};
  let at = 0;
  while (at < text.length) {
    while (text.charCodeAt(at) === 32) at += 1;
    if (at >= text.length) break;
    const keyEnd = endOfKey(text, at);
    if (keyEnd === at) return undefined;
    const key = text.slice(at, keyEnd);
    if (text.charCodeAt(keyEnd) !== 61 /* = */) {
      setPair(pairs, key, true);
      at = keyEnd;
      continue;
    }
    const value = readValue(text, keyEnd + 1);
    if (value === undefined) return undefined;
    setPair(pairs, key, value.text);
    at = value.end;
  }
  return pairs;
}

/** `key=` at the very start: prose that mentions `level=` later is not logfmt. */
function startsWithPair(text: string): boolean {
  const keyEnd = endOfKey(text, 0);
  return keyEnd > 0 && text.charCodeAt(keyEnd) === 61;
}

function endOfKey(text: string, from: number): number {
  let at = from;
  while (at < text.length) {
    const c = text.charCodeAt(at);
    if (c === 32 || c === 61 || c === 34 || c < 32) break;
    at += 1;
  }
  return at;
}

function readValue(text: string, from: number): { text: string; end: number } | undefined {
  if (text.charCodeAt(from) !== 34 /* " */) {
    const space = text.indexOf(' ', from);
    const end = space === -1 ? text.length : space;
    return { text: text.slice(from, end), end };
  }
  let value = '';
  for (let at = from + 1; at < text.length; at += 1) {
    const c = text[at];
    if (c === '"') return { text: value, end: at + 1 };
    if (c === '\\' && at + 1 < text.length) {
      at += 1;
      const escaped = text[at];
      value += escaped === 'n' ? '\n' : escaped === 't' ? '\t' : (escaped ?? '');
    } else value += c;
  }
  // An unclosed quote: not a logfmt line after all.
  return undefined;
}

function setPair(pairs: Record<string, unknown>, key: string, value: unknown): void {
  // An own "__proto__" key must stay a pair, not become the object's prototype.
  if (key === '__proto__') Object.defineProperty(pairs, key, { value, enumerable: true });
  else pairs[key] = value;
}
