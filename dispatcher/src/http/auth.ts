import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Bearer-token check in constant time. Both sides are hashed first so the comparison has a fixed
 * length: `timingSafeEqual` needs equal lengths, and comparing lengths first would leak them.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = header === undefined ? null : /^Bearer ([^\s]+)\s*$/i.exec(header);
  const given = match?.[1] ?? '';
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b) && given !== '';
}
