import { describe, expect, it } from 'vitest';
import { peerAddress, rateWindow } from './rate-window.js';
import { cachedReadiness } from './readiness-cache.js';

describe('cachedReadiness', () => {
  it('asks Temporal once per TTL however often it is asked, and shares a check under way', async () => {
    let clock = 0;
    let calls = 0;
    let release: () => void = () => {};
    const check = () => {
      calls += 1;
      return new Promise<{ ready: true }>((resolve) => {
        release = () => resolve({ ready: true });
      });
    };
    const ready = cachedReadiness(check, 1_000, () => clock);
    const first = ready();
    clock = 1_500; // the check is still under way after its TTL: waited for, not repeated
    const second = ready();
    expect(calls).toBe(1);
    release();
    expect(await first).toEqual({ ready: true });
    expect(await second).toEqual({ ready: true });
    for (let i = 0; i < 100; i++) await ready();
    expect(calls).toBe(1);
    clock = 2_600;
    const third = ready();
    expect(calls).toBe(2);
    release();
    await third;
  });
});

describe('rateWindow', () => {
  it('allows max per window per key, then says when the window resets', () => {
    let clock = 0;
    const limit = rateWindow(2, 60_000, () => clock);
    expect(limit.take('a')).toEqual({ allowed: true });
    expect(limit.take('a')).toEqual({ allowed: true });
    expect(limit.take('b')).toEqual({ allowed: true });
    clock = 10_000;
    expect(limit.take('a')).toEqual({ allowed: false, retryMs: 50_000 });
    clock = 60_000;
    expect(limit.take('a')).toEqual({ allowed: true });
  });

  it.each([
    ['ipv4:127.0.0.1:5000', '127.0.0.1'],
    ['ipv6:[::1]:5000', '::1'],
    ['127.0.0.1:5000', '127.0.0.1'],
    ['unix:/tmp/s', 'unix:/tmp/s'],
  ])('peerAddress(%j) is %j', (peer, address) => expect(peerAddress(peer)).toBe(address));
});
