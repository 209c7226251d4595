/**
 * Requests per client per minute for the gRPC server, counted as @fastify/rate-limit counts them
 * for HTTP: a fixed window per key that starts with the key's first request.
 */
export interface RateWindow {
  /** Counts one request of `key`: allowed, or how many ms until its window resets. */
  take(
    key: string,
  ): { readonly allowed: true } | { readonly allowed: false; readonly retryMs: number };
}

/** Windows of idle clients are dropped once there are this many keys, so memory stays bounded. */
const PRUNE_AT = 10_000;

export function rateWindow(
  max: number,
  windowMs: number,
  now: () => number = () => Date.now(),
): RateWindow {
  const windows = new Map<string, { count: number; resetAt: number }>();
  return {
    take(key) {
      const at = now();
      if (windows.size >= PRUNE_AT) {
        for (const [k, w] of windows) if (w.resetAt <= at) windows.delete(k);
      }
      let window = windows.get(key);
      if (window === undefined || window.resetAt <= at) {
        window = { count: 0, resetAt: at + windowMs };
        windows.set(key, window);
      }
      window.count += 1;
      return window.count <= max
        ? { allowed: true }
        : { allowed: false, retryMs: window.resetAt - at };
    },
  };
}

/** `ipv4:127.0.0.1:5000`, `ipv6:[::1]:5000`, `127.0.0.1:5000` → the address without the port. */
export function peerAddress(peer: string): string {
  const bare = peer.replace(/^ipv[46]:/, '');
  const bracketed = /^\[([^\]]*)\]/.exec(bare);
  if (bracketed?.[1] !== undefined) return bracketed[1];
  const port = /^([^:]+):\d+$/.exec(bare);
  return port?.[1] ?? bare;
}
