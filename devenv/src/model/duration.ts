import { err, ok, type Result } from '../../shared/result.js';

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;

/**
 * Parses a Compose duration (Go's time.ParseDuration syntax): one or more number+unit parts,
 * `1m30s`, `10s`, `500ms`, `1.5h`, or a bare `0`. Returns whole milliseconds (rounded).
 */
export function parseDuration(text: string): Result<number, string> {
  const trimmed = text.trim();
  if (trimmed === '0') return ok(0);
  if (trimmed === '') return err('empty duration');
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < trimmed.length) {
    const start = PART.lastIndex;
    const match = PART.exec(trimmed);
    if (!match) {
      const bare = /^\d+(\.\d+)?$/.test(trimmed.slice(start));
      return err(bare ? `"${trimmed}" has no unit` : `"${trimmed}" is not a duration`);
    }
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0);
  }
  if (!Number.isFinite(total)) return err(`"${trimmed}" is too long a duration`);
  return ok(Math.round(total));
}
