import { PROBE_HEADER, PROBE_USER_AGENT } from '../../shared/probe-request.js';
import { messageOf } from '../../shared/result.js';
import { failed, passed, type ProbeOutcome } from './probe-outcome.js';

/** Ready when the URL answers with `expectStatus`, or any 2xx/3xx when none is given. */
export async function probeHttp(
  url: string,
  expectStatus: number | undefined,
  timeoutMs: number,
): Promise<ProbeOutcome> {
  try {
    const response = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
      // Our services leave requests with this header out of their request logs while they pass.
      headers: { [PROBE_HEADER]: '1', 'user-agent': PROBE_USER_AGENT },
    });
    await response.body?.cancel();
    const good =
      expectStatus === undefined ? response.status < 400 : response.status === expectStatus;
    return good
      ? passed(`${url} → ${response.status}`)
      : failed(`${url} → HTTP ${response.status}`);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return failed(`${url}: ${cause ?? messageOf(error)}`);
  }
}
