/** The warm spawner's lines: argv, cwd and environment survive any bytes; replies decode. */
import { describe, expect, it } from 'vitest';
import {
  decodeReply,
  decodeRequest,
  encodeRequest,
  splitLines,
  type SpawnRequest,
} from './exec-spawner-protocol.js';
import { awkwardWord as word, random } from './exec-spawner-fuzz.js';

function request(next: () => number, id: number): SpawnRequest {
  const command = Array.from({ length: 1 + Math.floor(next() * 5) }, () => word(next));
  const env: Record<string, string> = {};
  for (let i = Math.floor(next() * 3); i > 0; i--)
    env[`V${i}${word(next).replace(/=/g, '')}`] = word(next);
  return { id, command, cwd: `/tmp/${word(next)}`, env, timeoutMs: 1 + Math.floor(next() * 9999) };
}

describe('exec spawner protocol', () => {
  it('reads back every request as it was sent, whatever its words hold (fuzzed)', () => {
    for (let seed = 1; seed <= 2_000; seed++) {
      const sent = request(random(seed), seed);
      const line = encodeRequest(sent);
      if (line instanceof Error) throw line;
      expect(line.endsWith('\n') && line.indexOf('\n') === line.length - 1, `seed ${seed}`).toBe(
        true,
      );
      expect(decodeRequest(line), `seed ${seed}`).toEqual(sent);
    }
  });

  it('refuses what exec cannot carry: a NUL, an environment name with `=`, no command', () => {
    const base = { id: 1, cwd: '/tmp', env: {}, timeoutMs: 100 };
    expect(encodeRequest({ ...base, command: ['echo', 'a\0b'] })).toBeInstanceOf(Error);
    expect(encodeRequest({ ...base, command: ['true'], env: { 'A=B': 'c' } })).toBeInstanceOf(
      Error,
    );
    expect(encodeRequest({ ...base, command: [] })).toBeInstanceOf(Error);
  });

  it('decodes each kind of answer and nothing else', () => {
    const output = Buffer.from('not ready\n').toString('base64');
    expect(decodeReply(`done 7 exit 3 ${output}`)).toEqual({
      id: 7,
      outcome: { kind: 'exit', code: 3, output: 'not ready\n' },
    });
    expect(decodeReply('done 8 exit 0 ')).toEqual({
      id: 8,
      outcome: { kind: 'exit', code: 0, output: '' },
    });
    expect(decodeReply(`done 9 signal 9 ${output}`)?.outcome).toEqual({
      kind: 'signal',
      signal: 9,
      output: 'not ready\n',
    });
    expect(decodeReply('done 10 timeout 0 ')?.outcome).toEqual({ kind: 'timeout' });
    const message = Buffer.from('fork: Resource temporarily unavailable').toString('base64');
    expect(decodeReply(`done 11 error 0 ${message}`)?.outcome).toEqual({
      kind: 'error',
      message: 'fork: Resource temporarily unavailable',
    });
    for (const line of ['', 'done', 'done x exit 0 ', 'done 1 exploded 0 ', 'run 1 exit 0 '])
      expect(decodeReply(line), line).toBeUndefined();
  });

  it('splits whole lines and keeps a partial one for the next chunk', () => {
    expect(splitLines('')).toEqual({ lines: [], rest: '' });
    expect(splitLines('done 1')).toEqual({ lines: [], rest: 'done 1' });
    expect(splitLines('a\nb\nc')).toEqual({ lines: ['a', 'b'], rest: 'c' });
    expect(splitLines('a\n\n')).toEqual({ lines: ['a', ''], rest: '' });
  });
});
