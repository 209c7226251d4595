import { isIPv4 } from 'node:net';

/**
 * What keeps a web page the developer opens from driving a dispatcher on 127.0.0.1 (pure checks;
 * app.ts answers with them):
 * - `Host` must be a loopback name or address, or a name the configuration allows: a DNS-rebinding
 *   page reaches 127.0.0.1 under its own name, which it cannot make loopback;
 * - an `Origin` other than the request's own is refused: a page may not even send the request
 *   (browsers add `Origin` to cross-origin fetches and to form posts);
 * - a POST must say `Content-Type: application/json`: an HTML form cannot, and a script can only
 *   after a CORS preflight the dispatcher never grants.
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

export type HostVerdict = { readonly ok: true } | { readonly ok: false; readonly message: string };

/** `allowed`: the configured names besides loopback ones; `*` in it allows any host. */
export function checkHost(header: string | undefined, allowed: readonly string[]): HostVerdict {
  if (allowed.includes('*')) return { ok: true };
  const host = header === undefined ? undefined : hostOf(header);
  if (host === undefined)
    return { ok: false, message: 'a request needs a well-formed Host header' };
  if (isLoopbackHost(host)) return { ok: true };
  if (allowed.some((name) => hostOf(name) === host)) return { ok: true };
  return {
    ok: false,
    message: `Host ${host} is not a loopback name or address: this dispatcher answers at 127.0.0.1 or localhost (DISPATCHER_ALLOWED_HOSTS adds names, e.g. a Kubernetes Service's)`,
  };
}

/** A request from the dispatcher's own origin, or with no `Origin` (curl, SDKs, probes), passes. */
export function checkOrigin(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true;
  if (hostHeader === undefined) return false;
  try {
    const from = new URL(origin);
    const to = new URL(`http://${hostHeader}`);
    return (from.protocol === 'http:' || from.protocol === 'https:') && from.host === to.host;
  } catch {
    // `null` (a sandboxed frame, a file:// page) or garbage: not this dispatcher's own pages.
    return false;
  }
}

/** `application/json`, with or without parameters (`; charset=utf-8`). */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  return header.split(';')[0]!.trim().toLowerCase() === 'application/json';
}
