import type { Diagnostic } from '../diagnostic.js';
import { err, ok, type Result } from '../result.js';
import { describeInterpolationError, interpolate, type Lookup } from './interpolate.js';
import { setOwn } from './tree.js';

const KEY = /^[A-Za-z_.][\w.-]*$/;

/**
 * Parses a `.env` / `env_file` in the Compose format: `KEY=VAL`, an optional `export ` prefix,
 * `#` comment lines, single quotes literal (only `\'` escapes), double quotes with `\n \r \t \\ \"`
 * escapes and possibly spanning lines, unquoted values cut at a ` #` inline comment, and a bare
 * `KEY` that copies the variable from `lookup` when it is set. Unquoted and double-quoted values
 * are interpolated; `lookup` (the process environment) wins over keys defined earlier in the file,
 * as compose-go does.
 */
export function parseDotenv(
  text: string,
  file: string,
  lookup: Lookup,
): Result<Record<string, string>, Diagnostic[]> {
  const values: Record<string, string> = {};
  const diagnostics: Diagnostic[] = [];
  const scanner = new Scanner(text);
  const resolve: Lookup = (name) =>
    lookup(name) ?? (Object.hasOwn(values, name) ? values[name] : undefined);
  const problem = (at: number, message: string, hint?: string) =>
    diagnostics.push({ file, ...scanner.position(at), message, ...(hint ? { hint } : {}) });

  while (!scanner.done()) {
    scanner.skip(/[ \t\r\n\uFEFF]/);
    if (scanner.done()) break;
    if (scanner.peek() === '#') {
      scanner.skipLine();
      continue;
    }
    const keyStart = scanner.pos;
    let key = scanner.take(/[^\s=#'"]/);
    if (key === 'export' && /[ \t]/.test(scanner.peek())) {
      scanner.skip(/[ \t]/);
      key = scanner.take(/[^\s=#'"]/);
    }
    scanner.skip(/[ \t]/);
    if (!KEY.test(key)) {
      problem(
        keyStart,
        key ? `invalid variable name "${key}"` : 'expected a variable name',
        'write lines as KEY=VALUE',
      );
      scanner.skipLine();
      continue;
    }
    const next = scanner.peek();
    if (next !== '=') {
      if (next === '' || next === '\n' || next === '\r' || next === '#') {
        // A bare KEY passes the variable through from the environment, when it has one.
        const inherited = lookup(key);
        if (inherited !== undefined) setOwn(values, key, inherited);
        scanner.skipLine();
      } else {
        problem(scanner.pos, `expected "=" after ${key}`, 'write lines as KEY=VALUE');
        scanner.skipLine();
      }
      continue;
    }
    scanner.advance(1);
    scanner.skip(/[ \t]/);
    const valueStart = scanner.pos;
    const quote = scanner.peek();
    let value: string;
    let interpolated: boolean;
    if (quote === "'" || quote === '"') {
      const quoted = scanner.quoted(quote);
      if (quoted === undefined) {
        problem(
          valueStart,
          `unterminated ${quote === '"' ? 'double' : 'single'} quote in ${key}`,
          `close the value with ${quote}`,
        );
        break;
      }
      value = quoted;
      interpolated = quote === '"';
      scanner.skip(/[ \t]/);
      const after = scanner.peek();
      if (after === '#') scanner.skipLine();
      else if (after !== '' && after !== '\n' && after !== '\r') {
        problem(
          scanner.pos,
          `unexpected text after the closing quote of ${key}`,
          `quote the whole value, or put a space before a # comment`,
        );
        scanner.skipLine();
        continue;
      }
    } else {
      value = scanner
        .restOfLine()
        .replace(/[ \t]#.*$/, '')
        .trimEnd();
      interpolated = true;
    }
    if (interpolated) {
      const result = interpolate(value, resolve);
      if (!result.ok) {
        problem(valueStart, describeInterpolationError(result.error), hint(result.error.reason));
        continue;
      }
      value = result.value;
    }
    setOwn(values, key, value);
  }
  return diagnostics.length > 0 ? err(diagnostics) : ok(values);
}

function hint(reason: 'missing-required' | 'invalid-syntax'): string {
  return reason === 'missing-required'
    ? 'set the variable in the environment or earlier in this file'
    : 'write $$ for a literal $, or use single quotes';
}

const ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  r: '\r',
  t: '\t',
  '\\': '\\',
  '"': '"',
};

/** A cursor over the file's text that can report 1-based line:col of any offset. */
class Scanner {
  pos = 0;
  readonly #text: string;
  readonly #lineStarts: number[] = [0];

  constructor(text: string) {
    this.#text = text;
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.#lineStarts.push(i + 1);
  }

  done(): boolean {
    return this.pos >= this.#text.length;
  }

  peek(): string {
    return this.#text[this.pos] ?? '';
  }

  advance(n: number): void {
    this.pos += n;
  }

  skip(chars: RegExp): void {
    while (!this.done() && chars.test(this.peek())) this.pos++;
  }

  take(chars: RegExp): string {
    const start = this.pos;
    this.skip(chars);
    return this.#text.slice(start, this.pos);
  }

  restOfLine(): string {
    const end = this.#text.indexOf('\n', this.pos);
    const line = this.#text.slice(this.pos, end < 0 ? undefined : end);
    this.pos = end < 0 ? this.#text.length : end + 1;
    return line.replace(/\r$/, '');
  }

  skipLine(): void {
    this.restOfLine();
  }

  /** Reads a quoted value starting at the opening quote; undefined when it never closes. */
  quoted(quote: "'" | '"'): string | undefined {
    let out = '';
    for (let i = this.pos + 1; i < this.#text.length; i++) {
      const c = this.#text[i] ?? '';
      if (c === quote) {
        this.pos = i + 1;
        return out;
      }
      if (c === '\\') {
        const n = this.#text[i + 1] ?? '';
        if (quote === "'" && n === "'") {
          out += "'";
          i++;
          continue;
        }
        const escaped = quote === '"' ? ESCAPES[n] : undefined;
        if (escaped !== undefined) {
          out += escaped;
          i++;
          continue;
        }
      }
      out += c;
    }
    return undefined;
  }

  position(offset: number): { line: number; col: number } {
    let line = 0;
    while (line + 1 < this.#lineStarts.length && (this.#lineStarts[line + 1] ?? Infinity) <= offset)
      line++;
    return { line: line + 1, col: offset - (this.#lineStarts[line] ?? 0) + 1 };
  }
}

/**
 * `env_file` with `format: raw`, read as `docker run --env-file` reads it: leading whitespace and
 * `#` lines skipped, `KEY=VALUE` taken verbatim (no quotes, escapes, comments or interpolation),
 * a bare `KEY` copied from `lookup` when set; a name with whitespace in it is an error.
 */
export function parseRawEnvFile(
  text: string,
  file: string,
  lookup: Lookup,
): Result<Record<string, string>, Diagnostic[]> {
  const values: Record<string, string> = {};
  const diagnostics: Diagnostic[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .forEach((raw, index) => {
      const text = raw.replace(/\r$/, '');
      const line = text.replace(/^\s+/, '');
      if (line === '' || line.startsWith('#')) return;
      const eq = line.indexOf('=');
      const name = eq < 0 ? line : line.slice(0, eq);
      if (name === '' || /\s/.test(name)) {
        diagnostics.push({
          file,
          line: index + 1,
          col: text.length - line.length + 1,
          message:
            name === '' ? 'no variable name before "="' : `variable "${name}" contains whitespace`,
          hint: 'write NAME=value with nothing around the "=" (a raw env file takes the value as written)',
        });
        return;
      }
      const value = eq < 0 ? lookup(name) : line.slice(eq + 1);
      if (value !== undefined) setOwn(values, name, value);
    });
  return diagnostics.length > 0 ? err(diagnostics) : ok(values);
}
