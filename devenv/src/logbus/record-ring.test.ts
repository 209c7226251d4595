import { describe, expect, it } from 'vitest';
import { LineRecord } from './line-record.js';
import type { LogLevel, LogRecord, LogStream } from './log-record.js';
import { RecordRing } from './record-ring.js';

let seq = 0;
function record(text: string, extra: { stream?: LogStream; level?: LogLevel } = {}): LineRecord {
  seq += 1;
  return new LineRecord(
    seq,
    'api',
    extra.stream ?? 'stdout',
    text,
    1_700_000_000_000 + seq,
    extra.level,
  );
}

/** Plain copies, so lazy fields compare by content. */
const plain = (records: readonly (LogRecord | undefined)[]): unknown =>
  JSON.parse(JSON.stringify(records)) as unknown;

describe('RecordRing', () => {
  it('gives back records equal to those pushed, whatever their text', () => {
    const ring = new RecordRing('api');
    const pushed = [
      record('{"level":50,"time":1700000000000,"msg":"boom","workflowId":"x"}'),
      record('plain WARN-less line'),
      record('ERROR something'),
      record('naïve café ☕ 😀'),
      record('lone \ud800 surrogate'),
      record(''),
      record('x'.repeat(300_000)),
      record('devenv says', { stream: 'devenv', level: 'warn' }),
      record('{"msg":"é","n":1}', { stream: 'stderr' }),
    ];
    for (const r of pushed) ring.push(r, 1);
    expect(plain(ring.slice())).toEqual(plain(pushed));
    // What a line says about itself is read again from the stored text, the same as at first.
    expect(ring.slice().map((r) => [r.level, r.msg, r.ts, { ...r.fields }])).toEqual(
      pushed.map((r) => [r.level, r.msg, r.ts, { ...r.fields }]),
    );
    expect(plain([ring.at(3)])).toEqual(plain([pushed[3]]));
    expect(ring.at(pushed.length)).toBeUndefined();
  });

  it('keeps the newest within the count and byte budgets, evicting the oldest', () => {
    const ring = new RecordRing('api', { maxItems: 3, maxBytes: 100 });
    const pushed = Array.from({ length: 5 }, (_, i) => record(`line ${i}`));
    for (const r of pushed) ring.push(r, 10);
    expect(ring.slice().map((r) => r.text)).toEqual(['line 2', 'line 3', 'line 4']);
    expect([ring.size, ring.bytes, ring.evicted]).toEqual([3, 30, 2]);
    ring.push(record('big'), 95);
    expect(ring.slice().map((r) => r.text)).toEqual(['big']);
    ring.push(record('huge'), 500);
    expect(ring.slice().map((r) => r.text)).toEqual(['huge']);
    expect(ring.evicted).toBe(6);
  });

  it('stays correct across many pages and wrap-arounds', () => {
    const ring = new RecordRing('api', { maxItems: 1000 });
    const texts: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const text = `${i} ${'é'.repeat(i % 7)} ${'y'.repeat((i * 37) % 400)}`;
      texts.push(text);
      ring.push(record(text), 1);
      // The oldest held text is the one a page drop would lose first.
      expect(ring.at(0)?.text).toBe(texts[Math.max(0, i - 999)]);
    }
    expect(ring.slice().map((r) => r.text)).toEqual(texts.slice(-1000));
  });
});
