import { bearerHeader, SESSION_TOKEN_VAR } from '../session/session-secret.js';

/**
 * Asking a running service to take a code change itself (`x-devenv.hot_reload`): one POST to its
 * URL with the changed files, `{"paths": ["/abs/file", …]}`. The answer decides what devenv does
 * next:
 *   2xx                → swapped: nothing else to do;
 *   400, 409, 422      → refused: the new code cannot run (the body's `error` says why), the old
 *                        code keeps serving, and the reason is shown until the next reload;
 *   anything else, no answer, or no answer in time → the service cannot do it now (not enabled,
 *                        not up, overloaded): devenv restarts it as for any other change.
 */
export type HotSwapOutcome =
  | { readonly kind: 'swapped'; readonly detail: string }
  | { readonly kind: 'refused'; readonly detail: string }
  | { readonly kind: 'restart-instead'; readonly detail: string };

const REFUSALS = new Set([400, 409, 422]);

/** Pure: what an HTTP answer means. */
export function hotSwapOutcome(status: number, body: string): HotSwapOutcome {
  const said = describeBody(body);
  if (status >= 200 && status < 300) return { kind: 'swapped', detail: said };
  if (REFUSALS.has(status)) return { kind: 'refused', detail: said || `HTTP ${status}` };
  return {
    kind: 'restart-instead',
    detail: `it answered HTTP ${status}${said ? `: ${said}` : ''}`,
  };
}

/** `{"error": "…"}` → the error; `{"generation": 3, "ms": 84}` → `generation 3, 84 ms`; else the text. */
function describeBody(body: string): string {
  const text = body.trim();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text.slice(0, 2_000);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return text.slice(0, 2_000);
  const record = value as Record<string, unknown>;
  if (typeof record['error'] === 'string') return record['error'];
  return Object.entries(record)
    .filter(([, v]) => typeof v === 'string' || typeof v === 'number')
    .map(([k, v]) => (k === 'ms' ? `${String(v)} ms` : `${k} ${String(v)}`))
    .join(', ');
}

/**
 * `token`: the session secret the service's `/reload` requires (devenv up puts it in its own
 * environment, session-secret.ts).
 */
export async function requestHotSwap(
  url: string,
  paths: readonly string[],
  timeoutMs: number,
  token: string | undefined = process.env[SESSION_TOKEN_VAR],
): Promise<HotSwapOutcome> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearerHeader(token) },
      body: JSON.stringify({ paths }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return hotSwapOutcome(response.status, await response.text());
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const why =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : (cause ?? String(error));
    return { kind: 'restart-instead', detail: `${url}: ${why}` };
  }
}
