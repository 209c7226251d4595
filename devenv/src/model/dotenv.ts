import type { Diagnostic } from '../diagnostic.js';
import { err, ok, type Result } from '../../shared/result.js';
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
  return new DotenvParser(text, file, lookup).parse();
}

/** What reading one entry left: go on with the next line, or stop (the rest cannot be read). */
type Step = 'next' | 'stop';

/** A value as written: quoted values in single quotes are taken literally. */
interface RawValue {
  readonly text: string;
  readonly interpolated: boolean;
}

/** One pass over a file's text, entry by entry, collecting values and positioned problems. */
class DotenvParser {
  readonly #values: Record<string, string> = {};
  readonly #diagnostics: Diagnostic[] = [];
  readonly #scanner: Scanner;
  readonly #file: string;
  readonly #lookup: Lookup;
  readonly #resolve: Lookup;

  constructor(text: string, file: string, lookup: Lookup) {
    this.#scanner = new Scanner(text);
    this.#file = file;
    this.#lookup = lookup;
    this.#resolve = (name) =>
      lookup(name) ?? (Object.hasOwn(this.#values, name) ? this.#values[name] : undefined);
  }

  parse(): Result<Record<string, string>, Diagnostic[]> {
    const scanner = this.#scanner;
    while (!scanner.done()) {
      scanner.skip(/[ \t\r\n\uFEFF]/);
      if (scanner.done()) break;
      if (this.#entry() === 'stop') break;
    }
    return this.#diagnostics.length > 0 ? err(this.#diagnostics) : ok(this.#values);
  }

  #problem(at: number, message: string, hint?: string): void {
    this.#diagnostics.push({
      file: this.#file,
      ...this.#scanner.position(at),
      message,
      ...(hint ? { hint } : {}),
    });
  }

  /** A comment line, a bare `KEY`, or `KEY=VALUE`, starting at a line's first non-blank. */
  #entry(): Step {
    const scanner = this.#scanner;
    if (scanner.peek() === '#') {
      scanner.skipLine();
      return 'next';
    }
    const key = this.#key();
    if (key === undefined) return 'next';
    if (scanner.peek() !== '=') {
      this.#bareKey(key);
      return 'next';
    }
    scanner.advance(1);
    scanner.skip(/[ \t]/);
    const valueStart = scanner.pos;
    const raw = this.#value(key);
    if (raw === 'next' || raw === 'stop') return raw;
    this.#assign(key, raw, valueStart);
    return 'next';
  }

  /** The variable name (after an optional `export `); undefined when it is invalid (reported). */
  #key(): string | undefined {
    const scanner = this.#scanner;
    const keyStart = scanner.pos;
    let key = scanner.take(/[^\s=#'"]/);
    if (key === 'export' && /[ \t]/.test(scanner.peek())) {
      scanner.skip(/[ \t]/);
      key = scanner.take(/[^\s=#'"]/);
    }
    scanner.skip(/[ \t]/);
    if (KEY.test(key)) return key;
    this.#problem(
      keyStart,
      key ? `invalid variable name "${key}"` : 'expected a variable name',
      'write lines as KEY=VALUE',
    );
    scanner.skipLine();
    return undefined;
  }

  /** A name with no `=` after it. */
  #bareKey(key: string): void {
    const scanner = this.#scanner;
    const next = scanner.peek();
    if (next === '' || next === '\n' || next === '\r' || next === '#') {
      // A bare KEY passes the variable through from the environment, when it has one.
      const inherited = this.#lookup(key);
      if (inherited !== undefined) setOwn(this.#values, key, inherited);
    } else {
      this.#problem(scanner.pos, `expected "=" after ${key}`, 'write lines as KEY=VALUE');
    }
    scanner.skipLine();
  }

  /** The value after `=`, quoted or not; a problem is reported and says how to go on. */
  #value(key: string): RawValue | Step {
    const scanner = this.#scanner;
    const quote = scanner.peek();
    if (quote !== "'" && quote !== '"') {
      const text = scanner
        .restOfLine()
        .replace(/[ \t]#.*$/, '')
        .trimEnd();
      return { text, interpolated: true };
    }
    const valueStart = scanner.pos;
    const quoted = scanner.quoted(quote);
    if (quoted === undefined) {
      this.#problem(
        valueStart,
        `unterminated ${quote === '"' ? 'double' : 'single'} quote in ${key}`,
        `close the value with ${quote}`,
      );
      return 'stop';
    }
    scanner.skip(/[ \t]/);
    const after = scanner.peek();
    if (after === '#') scanner.skipLine();
    else if (after !== '' && after !== '\n' && after !== '\r') {
      this.#problem(
        scanner.pos,
        `unexpected text after the closing quote of ${key}`,
        `quote the whole value, or put a space before a # comment`,
      );
      scanner.skipLine();
      return 'next';
    }
    return { text: quoted, interpolated: quote === '"' };
  }

  #assign(key: string, raw: RawValue, valueStart: number): void {
    if (!raw.interpolated) {
      setOwn(this.#values, key, raw.text);
      return;
    }
    const result = interpolate(raw.text, this.#resolve);
    if (!result.ok) {
      this.#problem(
        valueStart,
        describeInterpolationError(result.error),
        hint(result.error.reason),
      );
      return;
    }
    setOwn(this.#values, key, result.value);
  }
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
