import { hostOf, isLoopbackHost, isSameOrigin } from '../../../devenv/shared/control-request.js';

export { hostOf, isLoopbackHost };

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
export const checkOrigin = isSameOrigin;

/** `application/json`, with or without parameters (`; charset=utf-8`). */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  return header.split(';')[0]!.trim().toLowerCase() === 'application/json';
}
