import { describe, expect, it } from 'vitest';
import { formatUptime, splitMatches } from './format.js';

describe('TUI formatting', () => {
  it('keeps uptimes short', () => {
    expect(formatUptime(4_200)).toBe('4s');
    expect(formatUptime(192_000)).toBe('3m12s');
    expect(formatUptime(7_500_000)).toBe('2h05m');
  });

  it('splits a line around every case-insensitive match', () => {
    expect(splitMatches('Ready, ready!', 'ready')).toEqual([
      { text: 'Ready', match: true },
      { text: ', ', match: false },
      { text: 'ready', match: true },
      { text: '!', match: false },
    ]);
    expect(splitMatches('nothing', '')).toEqual([{ text: 'nothing', match: false }]);
  });
});
