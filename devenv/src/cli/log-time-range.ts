import { err, ok, type Result } from '../../shared/result.js';
import { parseDuration } from '../model/duration.js';

/** `devenv logs --since/--until`: lines that arrived in [since, until], in ms since the epoch. */
export interface TimeRange {
  readonly since: number | undefined;
  readonly until: number | undefined;
}

/**
 * A point in time as `docker compose logs --since/--until` takes it: an RFC 3339 time or date
 * (`2026-12-05T10:00:00Z`, `2026-12-05`, a time without a zone is local), Unix seconds
 * (`1764928800`, `1764928800.5`), or a duration back from now (`42m`, `1h30m`, `10s`).
 */
export function parsePointInTime(text: string, now: number): Result<number, string> {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return ok(Math.round(Number(trimmed) * 1000));
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    // A date alone is midnight here, as a time without a zone is (JavaScript would take UTC).
    const at = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? `${trimmed}T00:00:00` : trimmed);
    return Number.isNaN(at)
      ? err(`"${trimmed}" is not a date or time (e.g. 2026-12-05T10:00:00Z)`)
      : ok(at);
  }
  const back = parseDuration(trimmed);
  if (!back.ok)
    return err(
      `"${trimmed}" is neither a time (2026-12-05T10:00:00Z), Unix seconds, nor a duration (42m, 1h30m)`,
    );
  return ok(now - back.value);
}

/** Both ends, checked: --since after --until is an error, not an empty result. */
export function parseTimeRange(
  since: string | undefined,
  until: string | undefined,
  now: number,
): Result<TimeRange, string> {
  const from = since === undefined ? ok(undefined) : parsePointInTime(since, now);
  if (!from.ok) return err(`--since ${from.error}`);
  const to = until === undefined ? ok(undefined) : parsePointInTime(until, now);
  if (!to.ok) return err(`--until ${to.error}`);
  if (from.value !== undefined && to.value !== undefined && from.value > to.value)
    return err(`--since ${since} is after --until ${until}: no line can match`);
  return ok({ since: from.value, until: to.value });
}

/** Whether a log file line (`<ISO time> <stream> <text>`) arrived within the range. */
export function arrivedWithin(line: string, range: TimeRange): boolean {
  if (range.since === undefined && range.until === undefined) return true;
  const space = line.indexOf(' ');
  const at = Date.parse(space === -1 ? line : line.slice(0, space));
  if (Number.isNaN(at)) return false;
  return (
    (range.since === undefined || at >= range.since) &&
    (range.until === undefined || at <= range.until)
  );
}

/** `-t`: the line's arrival time in front, as `docker compose logs -t` prints it. */
export function withTimestamp(line: string, shown: string): string {
  const space = line.indexOf(' ');
  return space === -1 ? shown : `${line.slice(0, space)} ${shown}`;
}
