import { describe, expect, it } from 'vitest';
import { parseYamlSource } from './yaml-source.js';

describe('parseYamlSource', () => {
  it('follows merge keys and aliases to the anchored value’s position', () => {
    const text =
      'base: &b\n  restart: always\n  nested: {a: 1}\nsvc:\n  <<: *b\n  image: x\nalias: *b\n';
    const parsed = parseYamlSource(text, 'c.yaml', { mergeKeys: true });
    if (!parsed.ok) throw new Error('does not parse');
    const source = parsed.value;
    expect(source.data).toEqual({
      base: { restart: 'always', nested: { a: 1 } },
      svc: { restart: 'always', nested: { a: 1 }, image: 'x' },
      alias: { restart: 'always', nested: { a: 1 } },
    });
    expect(source.positionOf(['svc', 'restart'])).toEqual({ line: 2, col: 12 });
    expect(source.keyPositionOf(['svc', 'restart'])).toEqual({ line: 2, col: 3 });
    expect(source.positionOf(['svc', 'image'])).toEqual({ line: 6, col: 10 });
    expect(source.positionOf(['alias', 'nested', 'a'])).toEqual({ line: 3, col: 15 });
    expect(source.positionOf(['svc', 'missing'])).toEqual({ line: 5, col: 3 });
  });

  it('reads << as a plain key unless merge keys are asked for', () => {
    const parsed = parseYamlSource('a: &a {x: 1}\nb:\n  <<: *a\n', 'c.yaml');
    expect(parsed.ok && parsed.value.data).toEqual({ a: { x: 1 }, b: { '<<': { x: 1 } } });
  });

  it('rejects an alias inside its own anchor instead of building circular data', () => {
    expect(parseYamlSource('a: &x [1, *x]\n', 'c.yaml', { mergeKeys: true })).toEqual({
      ok: false,
      error: [{ file: 'c.yaml', line: 1, col: 11, message: 'an alias refers to its own anchor' }],
    });
  });

  it('reads an anchor used many times that holds an alias used many times (shared defaults)', () => {
    // 40 uses of `inner` before `outer`'s first use, 40 of `outer`: the yaml package's guard
    // (uses times nested uses, over 1000) would refuse it; expanded it is a few hundred values.
    const text =
      'inner: &inner {x: 1}\nouter: &outer {inner: *inner}\n' +
      `early: [${Array(40).fill('*inner').join(', ')}]\n` +
      `late: [${Array(40).fill('*outer').join(', ')}]\n`;
    const parsed = parseYamlSource(text, 'c.yaml', { mergeKeys: true });
    expect(parsed.ok && (parsed.value.data as { late: unknown[] }).late[39]).toEqual({
      inner: { x: 1 },
    });
  });

  it('refuses aliases of aliases that expand past a million values, at the value', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [i, name] of [...'bcdefg'].entries())
      levels.push(`${name}: &${name} [${Array(10).fill(`*${'abcdefg'[i]!}`).join(', ')}]`);
    const parsed = parseYamlSource(`${levels.join('\n')}\n`, 'c.yaml', { mergeKeys: true });
    expect(!parsed.ok && parsed.error[0]).toMatchObject({
      line: 6,
      col: 7,
      message: 'its aliases expand this value past 1,000,000 values',
    });
  });
});
