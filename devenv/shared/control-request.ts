import { createHash, timingSafeEqual } from 'node:crypto';
import { isIPv4 } from 'node:net';

/**
 * Pure checks for a request to a control endpoint on a developer's machine (the dispatcher's API,
 * a worker's `POST /reload`, devenv's own endpoints), shared so each answers a web page the same:
 * - `Host` must be loopback: a DNS-rebinding page reaches 127.0.0.1 under its own name;
 * - an `Origin` other than the request's own is refused: browsers add `Origin` to cross-origin
 *   fetches and to form posts, and no legitimate client of these endpoints is another site;
 * - the bearer token (devenv's session secret) is compared in constant time.
 */

/** The host of a `Host` header value (`name`, `name:port`, `[v6]:port`), lowercased; undefined if malformed. */
export function hostOf(header: string): string | undefined {
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    if (end < 0) return undefined;
    const rest = value.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return undefined;
    return value.slice(1, end);
  }
  const colon = value.indexOf(':');
  const host = colon < 0 ? value : value.slice(0, colon);
  if (colon >= 0 && !/^\d{1,5}$/.test(value.slice(colon + 1))) return undefined;
  return host.replace(/\.$/, '') || undefined;
}

/** localhost (and *.localhost, which resolves to loopback by RFC 6761), 127.0.0.0/8, ::1. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIPv4(host)) return host.startsWith('127.');
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
  return mapped?.[1] !== undefined && isIPv4(mapped[1]) && mapped[1].startsWith('127.');
}

/** A `Host` header naming a loopback name or address. */
export function isLoopbackHostHeader(header: string | undefined): boolean {
  const host = header === undefined ? undefined : hostOf(header);
  return host !== undefined && isLoopbackHost(host);
}

/** A request from the endpoint's own origin, or with no `Origin` (curl, SDKs, probes), passes. */
export function isSameOrigin(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true;
  if (hostHeader === undefined) return false;
  try {
    const from = new URL(origin);
    const to = new URL(`http://${hostHeader}`);
    return (from.protocol === 'http:' || from.protocol === 'https:') && from.host === to.host;
  } catch {
    // `null` (a sandboxed frame, a file:// page) or garbage: not the endpoint's own pages.
    return false;
  }
}

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
