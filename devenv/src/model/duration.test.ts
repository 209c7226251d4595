import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration (Go syntax, as Compose)', () => {
  it.each([
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1h', 3_600_000],
    ['1.5s', 1_500],
    ['2h45m', 9_900_000],
    ['0', 0],
    ['0s', 0],
    ['1500us', 2],
    ['100ns', 0],
    [' 5s ', 5_000],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, value: ms });
  });

  it.each([
    ['10', /has no unit/],
    ['', /empty/],
    ['ten seconds', /is not a duration/],
    ['10 s', /is not a duration/],
    ['-5s', /is not a duration/],
    ['5d', /is not a duration/],
    ['1e400h', /is not a duration/],
  ])('rejects %j', (text, message) => {
    const result = parseDuration(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });
});
