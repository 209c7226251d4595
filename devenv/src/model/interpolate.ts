import { err, ok, type Result } from '../../shared/result.js';
import { isPlainObject, setOwn, type TreePath } from './tree.js';

/** Looks a variable up; undefined means unset (an empty string is set, and differs). */
export type Lookup = (name: string) => string | undefined;

export type InterpolationError =
  /** `${X:?msg}` / `${X?msg}` with X unset (or empty, for `:?`). */
  | { readonly reason: 'missing-required'; readonly variable: string; readonly detail: string }
  /** `${` that does not form a valid expression. */
  | { readonly reason: 'invalid-syntax'; readonly offset: number; readonly detail: string };

// Compose accepts names case-insensitively in this shape (compose-go's template package).
const NAME = /^[_a-zA-Z][_a-zA-Z0-9]*/;

/**
 * Substitutes variables in one string exactly as the Compose Specification defines it:
 * `$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}`, `${VAR:?m}`, `${VAR?m}`, `${VAR:+r}`, `${VAR+r}`,
 * nesting inside defaults/replacements, and `$$` for a literal `$`. A `$` that starts no
 * expression (`$5`, a trailing `$`) stays literal, as in Compose. An unset variable without a
 * default becomes the empty string (Compose warns; we have no warning channel here).
 */
export function interpolate(text: string, lookup: Lookup): Result<string, InterpolationError> {
  return substitute(text, 0, lookup);
}

function substitute(
  text: string,
  base: number,
  lookup: Lookup,
): Result<string, InterpolationError> {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
      continue;
    }
    if (next === '{') {
      const close = closingBrace(text, dollar + 2);
      if (close < 0)
        return err(invalid(base + dollar, `unterminated "\${" in "${clip(text.slice(dollar))}"`));
      const expanded = expression(text.slice(dollar + 2, close), base + dollar + 2, lookup);
      if (!expanded.ok) return expanded;
      out += expanded.value;
      i = close + 1;
      continue;
    }
    const name = NAME.exec(text.slice(dollar + 1))?.[0];
    if (name) {
      out += lookup(name) ?? '';
      i = dollar + 1 + name.length;
    } else {
      out += '$';
      i = dollar + 1;
    }
  }
  return ok(out);
}

/** Index of the `}` that closes a `${` whose body starts at `from`; nested `${…}` count. */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '$' && text[i + 1] === '$') i++;
    else if (c === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

type Operator = ':-' | '-' | ':?' | '?' | ':+' | '+';
const OPERATORS: readonly Operator[] = [':-', ':?', ':+', '-', '?', '+'];

function expression(
  body: string,
  offset: number,
  lookup: Lookup,
): Result<string, InterpolationError> {
  const name = NAME.exec(body)?.[0];
  if (!name) return err(invalid(offset - 2, `invalid variable expression "\${${clip(body)}}"`));
  const rest = body.slice(name.length);
  if (rest === '') return ok(lookup(name) ?? '');
  const op = OPERATORS.find((o) => rest.startsWith(o));
  if (!op)
    return err(
      invalid(
        offset - 2,
        `invalid variable expression "\${${clip(body)}}": expected one of :- - :? ? :+ + after the name`,
      ),
    );
  const arg = rest.slice(op.length);
  const argOffset = offset + name.length + op.length;
  const value = lookup(name);
  // The ':' forms treat an empty value like an unset one.
  const present = op.startsWith(':') ? value !== undefined && value !== '' : value !== undefined;
  switch (op) {
    case ':-':
    case '-':
      return present ? ok(value ?? '') : substitute(arg, argOffset, lookup);
    case ':+':
    case '+':
      return present ? substitute(arg, argOffset, lookup) : ok('');
    case ':?':
    case '?':
      return present
        ? ok(value ?? '')
        : err({ reason: 'missing-required', variable: name, detail: arg });
  }
}

function invalid(offset: number, detail: string): InterpolationError {
  return { reason: 'invalid-syntax', offset, detail };
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** The message Compose prints for an error, `required variable X is missing a value: msg`. */
export function describeInterpolationError(error: InterpolationError): string {
  if (error.reason === 'invalid-syntax') return `invalid interpolation: ${error.detail}`;
  const tail = error.detail ? `: ${error.detail}` : '';
  return `required variable ${error.variable} is missing a value${tail}`;
}

/**
 * Interpolates every string value (never a key) of a parsed YAML tree, returning a new tree.
 * Each failure is reported with its path and the value is kept as written.
 */
export function interpolateTree(
  value: unknown,
  lookup: Lookup,
  report: (path: TreePath, error: InterpolationError) => void,
  path: TreePath = [],
): unknown {
  if (typeof value === 'string') {
    const result = interpolate(value, lookup);
    if (result.ok) return result.value;
    report(path, result.error);
    return value;
  }
  if (Array.isArray(value))
    return value.map((item: unknown, i) => interpolateTree(item, lookup, report, [...path, i]));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      setOwn(out, key, interpolateTree(item, lookup, report, [...path, key]));
    return out;
  }
  return value;
}
