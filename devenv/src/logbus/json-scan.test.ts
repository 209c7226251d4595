import { describe, expect, it } from 'vitest';
import { scanJsonObject } from './json-scan.js';
import { line, readLine } from './parse-line.js';

const bytesOf = (text: string): Buffer => Buffer.from(text, 'latin1');

/** What JSON.parse says, for a line that starts with `{` and ends with `}` (the lines the bus tries). */
function isJsonObject(text: string): boolean {
  if (!text.startsWith('{') || !text.endsWith('}')) return false;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** readLine by scanning bytes and by parsing the string, as plain values to compare. */
function bothWays(text: string): [unknown, unknown] {
  const read = (): unknown => ({
    level: line.level,
    msg: line.msg,
    ts: line.ts,
    fields: JSON.stringify(line.fields),
    keys: Object.keys(line.fields),
  });
  readLine(text, bytesOf(text), 0);
  const scanned = read();
  readLine(text);
  return [scanned, read()];
}

const VALID = [
  '{}',
  '{ }',
  '{"a":1}',
  '{ "a" : 1 , "b" : [ ] }',
  '{"level":30,"time":1700000000000,"pid":1,"msg":"hi"}',
  '{"level":"warn","ts":"2024-05-01T10:00:00.250Z","msg":"m","service":"matching"}',
  '{"level":"info","ts":1700000000.5,"msg":"m"}',
  '{"levelname":"WARNING","message":"slow","asctime":"x"}',
  '{"severity":"ERROR","event":"e","@timestamp":"2024-01-01T00:00:00Z"}',
  '{"lvl":"dbug","timestamp":-5,"msg":{"nested":true}}',
  '{"level":"loud","time":"yesterday","n":1}',
  '{"level":50,"level":"info","msg":"first","msg":"second"}',
  '{"msg":"esc \\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\ud83d\\ude00"}',
  '{"le\\u0076el":50,"msg":"escaped key"}',
  '{"msg":"m","__proto__":{"polluted":true}}',
  '{"a":[1,-2,3.5,-0,0e0,1E+2,1e-2,true,false,null,{"b":[{}]},[[]],"s"]}',
  '{"level":1e400,"time":12345678901234567890}',
  '{"level":-0,"time":0.0001}',
  '{"level":30.9,"time":1700000000000.5}',
  '{"time":1e15,"ts":1700000000}',
  '{"a":"\t"}'.replace('\t', ' '),
  '{\t"a"\r:\n1 }',
  '{"msg":"","event":"e"}',
  '{"level":"w\\u0061rn","msg":"a\\nb","time":"2024-01-01T00:00:00\\u005a"}',
];

const INVALID = [
  '{',
  '}',
  '{"a"}',
  '{"a":}',
  '{"a":1,}',
  '{,"a":1}',
  '{"a":1}}',
  '{"a":1} ',
  ' {"a":1}',
  '{"a":01}',
  '{"a":1.}',
  '{"a":.5}',
  '{"a":-}',
  '{"a":1e}',
  '{"a":+1}',
  '{"a":tru}',
  '{"a":nul}',
  '{"a":True}',
  '{"a":"x\ty"}',
  '{"a":"\\x"}',
  '{"a":"\\u12G4"}',
  '{"a":"\\u12"}',
  "{'a':1}",
  '{a:1}',
  '{"a":[1,]}',
  '{"a":[1 2]}',
  '{"a":{"b"}}',
  '{"a":{"b":1,}}',
  '{"a":[}',
  '{"a":{]}',
  '{"a":"unterminated}',
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":1}x',
  '{id} started',
  '{}x',
  '[1,2]',
];

describe('scanJsonObject', () => {
  it.each(VALID)('accepts %s as JSON.parse does', (text) => {
    expect(isJsonObject(text)).toBe(true);
    expect(scanJsonObject(bytesOf(text), 0, text.length)).toBe(true);
  });

  it.each(INVALID)('rejects %s as JSON.parse does', (text) => {
    expect(isJsonObject(text)).toBe(false);
    expect(scanJsonObject(bytesOf(text), 0, text.length)).toBe(false);
  });

  it('scans only its range of a larger chunk', () => {
    const chunk = bytesOf('{"a":1}\n{"b":[2]}\n{"c":');
    expect(scanJsonObject(chunk, 0, 7)).toBe(true);
    expect(scanJsonObject(chunk, 8, 17)).toBe(true);
    expect(scanJsonObject(chunk, 18, chunk.length)).toBe(false);
    expect(scanJsonObject(chunk, 0, 6)).toBe(false);
  });

  it('agrees with JSON.parse on every one-char change of valid lines', () => {
    const alphabet = [
      '{',
      '}',
      '[',
      ']',
      '"',
      '\\',
      ':',
      ',',
      ' ',
      '0',
      '1',
      '-',
      '.',
      'e',
      'u',
      't',
      'n',
      'a',
      '\u0001',
    ];
    let checked = 0;
    for (const text of VALID) {
      for (let at = 0; at < text.length; at++) {
        for (const c of alphabet) {
          for (const mutated of [
            text.slice(0, at) + c + text.slice(at + 1),
            text.slice(0, at) + c + text.slice(at),
            text.slice(0, at) + text.slice(at + 1),
          ]) {
            expect(scanJsonObject(bytesOf(mutated), 0, mutated.length), mutated).toBe(
              isJsonObject(mutated),
            );
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(10_000);
  });
});

describe('readLine from scanned bytes', () => {
  it.each([...VALID, ...INVALID])('reads %s exactly as parsing it does', (text) => {
    const [scanned, parsed] = bothWays(text);
    expect(scanned).toEqual(parsed);
  });
});
