import { z } from 'zod';
import { err, ok, type Result } from '../../shared/result.js';
import type { RequestProblem } from './protocol.js';

/**
 * `devenv events` and `devenv stats` on the control socket (protocol.ts):
 *
 *   GET /events[?service=NAME…] → 200, then one ServiceEvent (events-derive.ts) as JSON a line,
 *                                 as they happen, until the stack has stopped
 *   GET /stats[?service=NAME…]  → 200 StatsAnswer (stats-protocol.ts): one sample per instance
 *
 * No name means every service; an unknown one is a 404 that lists what the stack has. A request's
 * `services` are the names as given, without repeats; empty for all.
 */
export type WatchRequest =
  | { readonly kind: 'events'; readonly services: readonly string[] }
  | { readonly kind: 'stats'; readonly services: readonly string[] };

/** The most names a query may carry: more is a mistake, not a stack. */
const MAX_NAMES = 500;

/** Pure: a GET /events or /stats with its query, or why it cannot be served. Never throws. */
export function parseWatchRequest(
  kind: WatchRequest['kind'],
  method: string,
  url: string,
): Result<WatchRequest, RequestProblem> {
  if (method !== 'GET')
    return err({
      status: 405,
      allow: 'GET',
      message: `/${kind} takes GET, not ${method.slice(0, 20)}`,
    });
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  // Never throws: a malformed %-escape is kept as it is, and then names no service.
  const params = new URLSearchParams(query);
  const keys = [...new Set(params.keys())];
  const unknown = keys.find((key) => key !== 'service');
  if (unknown !== undefined)
    return err({
      status: 400,
      message: `/${kind}: unknown parameter "${unknown.slice(0, 40)}"; it takes service=NAME, repeated`,
    });
  const names = params.getAll('service');
  if (names.length > MAX_NAMES)
    return err({ status: 400, message: `/${kind}: over ${MAX_NAMES} service names` });
  if (names.some((name) => name === ''))
    return err({ status: 400, message: `/${kind}: service= must name a service` });
  return ok({ kind, services: [...new Set(names)] });
}

export const serviceEventSchema = z.object({
  time: z.string(),
  type: z.literal('container'),
  action: z.string(),
  id: z.string(),
  service: z.string(),
  attributes: z.record(z.string(), z.string()),
});
