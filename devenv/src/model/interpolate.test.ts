import { describe, expect, it } from 'vitest';
import {
  describeInterpolationError,
  interpolate,
  interpolateTree,
  type Lookup,
} from './interpolate.js';

const vars: Record<string, string> = { SET: 'value', EMPTY: '', B: 'bee', PORT: '7233' };
const lookup: Lookup = (name) => vars[name];

function sub(text: string): string {
  const result = interpolate(text, lookup);
  if (!result.ok) throw new Error(describeInterpolationError(result.error));
  return result.value;
}

function failure(text: string): string {
  const result = interpolate(text, lookup);
  if (result.ok) throw new Error(`expected ${text} to fail, got ${result.value}`);
  return describeInterpolationError(result.error);
}

describe('interpolate (Compose Specification)', () => {
  it('substitutes $VAR and ${VAR}, unset as empty', () => {
    expect(sub('$SET ${SET} x${SET}y $UNSET|${UNSET}|')).toBe('value value xvaluey ||');
    expect(sub('host:$PORT/path')).toBe('host:7233/path');
    expect(sub('$SET_SUFFIX ${SET}_SUFFIX')).toBe(' value_SUFFIX');
  });

  it.each([
    ['${SET:-d}', 'value'],
    ['${EMPTY:-d}', 'd'],
    ['${UNSET:-d}', 'd'],
    ['${SET-d}', 'value'],
    ['${EMPTY-d}', ''],
    ['${UNSET-d}', 'd'],
    ['${SET:+r}', 'r'],
    ['${EMPTY:+r}', ''],
    ['${UNSET:+r}', ''],
    ['${SET+r}', 'r'],
    ['${EMPTY+r}', 'r'],
    ['${UNSET+r}', ''],
    ['${SET:?m}', 'value'],
    ['${EMPTY?m}', ''],
    ['${UNSET:-}', ''],
    ['${UNSET:-a b:c/d}', 'a b:c/d'],
  ])('%s → %j', (text, expected) => {
    expect(sub(text)).toBe(expected);
  });

  it('interpolates nested defaults and replacements', () => {
    expect(sub('${A:-${B:-c}}')).toBe('bee');
    expect(sub('${A:-${C:-c}}')).toBe('c');
    expect(sub('${A:-${C:-${SET}}}-tail')).toBe('value-tail');
    expect(sub('${SET:+[${B}]}')).toBe('[bee]');
  });

  it('turns $$ into $ and leaves a $ that starts nothing alone', () => {
    expect(sub('$$SET $${SET} cost $5 end$')).toBe('$SET ${SET} cost $5 end$');
    expect(sub('pg_isready -U $${POSTGRES_USER}')).toBe('pg_isready -U ${POSTGRES_USER}');
  });

  it('reports a missing required variable as Compose does', () => {
    expect(failure('${UNSET:?set it in .env}')).toBe(
      'required variable UNSET is missing a value: set it in .env',
    );
    expect(failure('${EMPTY:?empty is not enough}')).toBe(
      'required variable EMPTY is missing a value: empty is not enough',
    );
    expect(failure('${UNSET?}')).toBe('required variable UNSET is missing a value');
    expect(failure('x ${A:-${UNSET:?inner}}')).toBe(
      'required variable UNSET is missing a value: inner',
    );
  });

  it.each(['${', 'a ${SET', '${}', '${1X}', '${SET:x}', '${SET x}', '${A:-${B}'])(
    'rejects invalid syntax %j',
    (text) => {
      expect(failure(text)).toMatch(/^invalid interpolation: /);
    },
  );

  it('interpolates string values of a tree, never keys, and reports paths', () => {
    const errors: unknown[] = [];
    const tree = interpolateTree(
      { $SET: { list: ['${B}', 5, true, null, '${UNSET:?no}'] }, n: 1 },
      lookup,
      (path, error) => errors.push({ path, reason: error.reason }),
    );
    expect(tree).toEqual({ $SET: { list: ['bee', 5, true, null, '${UNSET:?no}'] }, n: 1 });
    expect(errors).toEqual([{ path: ['$SET', 'list', 4], reason: 'missing-required' }]);
  });

  it('keeps a __proto__ key as data', () => {
    const tree = interpolateTree(JSON.parse('{"__proto__": {"x": "${B}"}}'), lookup, () => {});
    expect(Object.keys(tree as object)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(tree)).toBe(Object.prototype);
  });
});
