import { describe, expect, it } from 'vitest';
import { LineSplitter, capLine, truncationMarker } from './line-splitter.js';

function collect(maxLineChars?: number): { splitter: LineSplitter; lines: string[] } {
  const lines: string[] = [];
  const splitter = new LineSplitter(
    (line) => lines.push(line),
    maxLineChars === undefined ? {} : { maxLineChars },
  );
  return { splitter, lines };
}

describe('LineSplitter', () => {
  it('splits on \\n and \\r\\n and keeps empty lines', () => {
    const { splitter, lines } = collect();
    splitter.push(Buffer.from('one\ntwo\r\n\nthree\r\n'));
    expect(lines).toEqual(['one', 'two', '', 'three']);
  });

  it('joins a line split across chunks, including a \\r\\n split between them', () => {
    const { splitter, lines } = collect();
    splitter.push(Buffer.from('hel'));
    splitter.push(Buffer.from('lo wor'));
    splitter.push(Buffer.from('ld\r'));
    expect(lines).toEqual([]);
    splitter.push(Buffer.from('\nnext\n'));
    expect(lines).toEqual(['hello world', 'next']);
  });

  it('emits the final unterminated line on flush, and nothing when there is none', () => {
    const { splitter, lines } = collect();
    splitter.push('done\nlast words');
    splitter.flush();
    splitter.flush();
    expect(lines).toEqual(['done', 'last words']);
  });

  it('decodes a UTF-8 character split across chunks', () => {
    const { splitter, lines } = collect();
    const bytes = Buffer.from('café ☕ 😀\n');
    for (const byte of bytes) splitter.push(Buffer.from([byte]));
    expect(lines).toEqual(['café ☕ 😀']);
  });

  it('keeps invalid UTF-8 as replacement characters', () => {
    const { splitter, lines } = collect();
    splitter.push(Buffer.from([0x61, 0xff, 0x62, 0x0a, 0xe2, 0x82]));
    splitter.flush();
    expect(lines).toEqual(['a\uFFFDb', '\uFFFD']);
  });

  it('caps a long line inside one chunk and marks what was cut', () => {
    const { splitter, lines } = collect(10);
    splitter.push(`${'x'.repeat(25)}\nshort\n`);
    expect(lines).toEqual([`${'x'.repeat(10)}${truncationMarker(15)}`, 'short']);
  });

  it('caps a long line that arrives over many chunks without holding all of it', () => {
    const { splitter, lines } = collect(10);
    for (let i = 0; i < 1000; i++) splitter.push('abcdefghij');
    splitter.push('\r\nafter\n');
    expect(lines).toEqual([`abcdefghij${truncationMarker(9990)}`, 'after']);
  });

  it('does not mark a line of exactly the limit, with or without \\r\\n across chunks', () => {
    const { splitter, lines } = collect(4);
    splitter.push('ab');
    splitter.push('cd\r');
    splitter.push('\nabcd\r\n');
    splitter.push('abcd');
    splitter.flush();
    expect(lines).toEqual(['abcd', 'abcd', 'abcd']);
  });

  it('caps an unterminated long line on flush', () => {
    const { splitter, lines } = collect(3);
    splitter.push('abcdef');
    splitter.flush();
    expect(lines).toEqual([`abc${truncationMarker(3)}`]);
  });

  it('never cuts a surrogate pair in half', () => {
    expect(capLine('ab😀cd', 3)).toBe(`ab${truncationMarker(4)}`);
  });

  it('sends an ASCII chunk through the decoder while it holds part of a character', () => {
    const euro = Buffer.from('€'); // 3 bytes
    const { splitter, lines } = collect();
    splitter.push(Buffer.concat([Buffer.from('a'), euro.subarray(0, 2)]));
    splitter.push(euro.subarray(2));
    splitter.push(Buffer.from('b\n'));
    // An unfinished character followed by ASCII is invalid UTF-8: U+FFFD, as the decoder says.
    splitter.push(Buffer.concat([Buffer.from('c'), euro.subarray(0, 2)]));
    splitter.push(Buffer.from('d\n'));
    expect(lines).toEqual(['a€b', 'c\ufffdd']);
  });
});
