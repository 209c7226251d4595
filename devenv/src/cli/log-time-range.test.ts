import { describe, expect, it } from 'vitest';
import { arrivedWithin, parsePointInTime, parseTimeRange } from './log-time-range.js';

const NOW = Date.parse('2026-12-05T12:00:00Z');

describe('parsePointInTime (docker compose logs --since/--until)', () => {
  const table: [string, number | string][] = [
    ['2026-12-05T10:00:00Z', Date.parse('2026-12-05T10:00:00Z')],
    ['2026-12-05T10:00:00.250+01:00', Date.parse('2026-12-05T09:00:00.250Z')],
    ['2026-12-05T10:00:00', new Date(2026, 11, 5, 10).getTime()],
    ['2026-12-05', new Date(2026, 11, 5).getTime()],
    ['1764928800', 1764928800_000],
    ['1764928800.5', 1764928800_500],
    ['42m', NOW - 42 * 60_000],
    ['1h30m', NOW - 90 * 60_000],
    [' 10s ', NOW - 10_000],
    ['0', 0],
    ['2026-13-45', 'is not a date or time'],
    ['yesterday', 'is neither a time'],
    ['10', 10_000],
    ['-5m', 'is neither a time'],
    ['', 'is neither a time'],
  ];
  for (const [text, expected] of table) {
    it(JSON.stringify(text), () => {
      const parsed = parsePointInTime(text, NOW);
      if (typeof expected === 'number') expect(parsed).toEqual({ ok: true, value: expected });
      else expect(!parsed.ok && parsed.error).toContain(expected);
    });
  }
});

describe('parseTimeRange and arrivedWithin', () => {
  it('keeps lines from since to until, both included; a line without a time never matches a range', () => {
    const range = parseTimeRange('2026-12-05T10:00:00Z', '2026-12-05T11:00:00Z', NOW);
    if (!range.ok) throw new Error(range.error);
    expect(arrivedWithin('2026-12-05T10:00:00.000Z stdout a', range.value)).toBe(true);
    expect(arrivedWithin('2026-12-05T11:00:00.000Z stdout b', range.value)).toBe(true);
    expect(arrivedWithin('2026-12-05T09:59:59.999Z stdout c', range.value)).toBe(false);
    expect(arrivedWithin('2026-12-05T11:00:00.001Z stdout d', range.value)).toBe(false);
    expect(arrivedWithin('not a log line', range.value)).toBe(false);
    const open = parseTimeRange(undefined, undefined, NOW);
    expect(open.ok && arrivedWithin('not a log line', open.value)).toBe(true);
  });

  it('says which flag is wrong, and refuses a range that ends before it begins', () => {
    expect(parseTimeRange('soon', undefined, NOW)).toMatchObject({ ok: false });
    expect(!parseTimeRange(undefined, 'later', NOW).ok).toBe(true);
    const backwards = parseTimeRange('1h', '2h', NOW);
    expect(!backwards.ok && backwards.error).toBe(
      '--since 1h is after --until 2h: no line can match',
    );
  });
});
