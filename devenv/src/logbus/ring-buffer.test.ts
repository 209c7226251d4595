import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ring-buffer.js';

const byLength = (s: string): number => s.length;

describe('RingBuffer', () => {
  it('keeps the newest items up to the count, oldest first, across growth and wrap-around', () => {
    const ring = new RingBuffer(byLength, { maxItems: 1000, maxBytes: Infinity });
    for (let i = 0; i < 2500; i++) ring.push(String(i));
    expect(ring.size).toBe(1000);
    expect(ring.evicted).toBe(1500);
    expect(ring.at(0)).toBe('1500');
    expect(ring.at(999)).toBe('2499');
    expect(ring.at(1000)).toBeUndefined();
    expect(ring.slice(998)).toEqual(['2498', '2499']);
    expect(ring.slice().map(Number)).toEqual(Array.from({ length: 1000 }, (_, i) => 1500 + i));
  });

  it('evicts the oldest to stay within the byte budget', () => {
    const ring = new RingBuffer(byLength, { maxItems: 100, maxBytes: 10 });
    ring.push('aaaa');
    ring.push('bbbb');
    expect(ring.bytes).toBe(8);
    ring.push('ccc');
    expect(ring.slice()).toEqual(['bbbb', 'ccc']);
    expect(ring.bytes).toBe(7);
    expect(ring.evicted).toBe(1);
  });

  it('keeps an item larger than the whole budget, alone', () => {
    const ring = new RingBuffer(byLength, { maxItems: 100, maxBytes: 10 });
    ring.push('a');
    ring.push('x'.repeat(50));
    expect(ring.slice()).toEqual(['x'.repeat(50)]);
    ring.push('b');
    expect(ring.slice()).toEqual(['b']);
    expect(ring.bytes).toBe(1);
  });

  it('clamps slice bounds', () => {
    const ring = new RingBuffer(byLength);
    ring.push('a');
    ring.push('b');
    expect(ring.slice(-5, 99)).toEqual(['a', 'b']);
    expect(ring.slice(1, 0)).toEqual([]);
  });

  it('does constant work per push however full it is', () => {
    const ring = new RingBuffer(byLength, { maxItems: 10_000, maxBytes: Infinity });
    const time = (n: number): number => {
      const start = performance.now();
      for (let i = 0; i < n; i++) ring.push('x');
      return performance.now() - start;
    };
    time(200_000); // Warm up and fill.
    // 10× the pushes should take roughly 10× the time, not 100×; generous for noisy machines.
    const small = Math.max(time(100_000), 1);
    const large = time(1_000_000);
    expect(large / small).toBeLessThan(40);
  });
});
