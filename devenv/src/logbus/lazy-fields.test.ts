import { describe, expect, it } from 'vitest';
import { line, readLine } from './parse-line.js';

/** The fields of a JSON line, read lazily (scanned bytes) or eagerly (parsed string). */
function fieldsBothWays(text: string): {
  lazy: Readonly<Record<string, unknown>>;
  eager: Readonly<Record<string, unknown>>;
} {
  readLine(text, Buffer.from(text, 'latin1'), 0);
  const lazy = line.fields;
  readLine(text);
  return { lazy, eager: line.fields };
}

const TEXT = '{"level":30,"time":1,"pid":7,"hostname":"h","msg":"m","nested":{"a":[1]}}';

describe('lazy fields of a scanned JSON line', () => {
  it('enumerate, read and serialise like the eagerly built object', () => {
    const { lazy, eager } = fieldsBothWays(TEXT);
    expect(Object.keys(lazy)).toEqual(['pid', 'hostname', 'nested']);
    expect(lazy).toEqual(eager);
    expect(JSON.stringify(lazy)).toBe(JSON.stringify(eager));
    expect({ ...lazy }).toEqual({ ...eager });
    expect(Object.entries(lazy)).toEqual(Object.entries(eager));
    expect(lazy['pid']).toBe(7);
    expect(lazy['level']).toBeUndefined();
    expect(Object.hasOwn(lazy, 'hostname')).toBe(true);
    expect(Object.hasOwn(lazy, 'msg')).toBe(false);
    expect('toString' in lazy).toBe(true);
    expect(Object.getPrototypeOf(lazy)).toBe(Object.prototype);
  });

  it('show nothing of how they are stored, whichever operation comes first', () => {
    const first = [
      (f: object) => Reflect.ownKeys(f),
      (f: object) => Object.getOwnPropertySymbols(f),
      (f: object) => JSON.stringify(f),
      (f: object) => Object.hasOwn(f, 'pid'),
    ];
    for (const op of first) {
      const { lazy } = fieldsBothWays(TEXT);
      op(lazy);
      expect(Reflect.ownKeys(lazy)).toEqual(['pid', 'hostname', 'nested']);
    }
  });

  it('keep an own __proto__ key as a field, as the eager path does', () => {
    const { lazy, eager } = fieldsBothWays('{"msg":"m","__proto__":{"polluted":true}}');
    expect(Object.getPrototypeOf(lazy)).toBe(Object.prototype);
    expect(Object.keys(lazy)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(lazy, '__proto__')).toEqual(
      Object.getOwnPropertyDescriptor(eager, '__proto__'),
    );
  });

  it('can be frozen like a plain object', () => {
    const { lazy } = fieldsBothWays(TEXT);
    Object.freeze(lazy);
    expect(Object.isFrozen(lazy)).toBe(true);
    expect(lazy['hostname']).toBe('h');
  });
});
