import { describe, expect, it } from 'vitest';
import { DEFAULT_WAIT_MS, MAX_WAIT_MS, parseControlRequest } from './protocol.js';

/** `wait` and `timeoutMs` mean the same on both endpoints that take them: one parser reads them. */
const ENDPOINTS = [
  { url: '/services/restart', body: { services: ['worker'] } },
  { url: '/scale', body: { service: 'worker', replicas: 2 } },
] as const;

const request = (url: string, body: Record<string, unknown>) =>
  parseControlRequest({ method: 'POST', url, body: JSON.stringify(body) });

const TIMEOUT_REFUSED = `"timeoutMs" must be a whole number of milliseconds from 1 to ${MAX_WAIT_MS}`;
const WAIT_REFUSED = '"wait" must be true or false';

describe.each(ENDPOINTS)('wait and timeoutMs on POST $url', ({ url, body }) => {
  it.each([
    ['absent: the defaults', {}, { wait: true, timeoutMs: DEFAULT_WAIT_MS }],
    ['given', { wait: false, timeoutMs: 5 }, { wait: false, timeoutMs: 5 }],
    ['the smallest timeout', { timeoutMs: 1 }, { wait: true, timeoutMs: 1 }],
    ['the largest timeout', { timeoutMs: MAX_WAIT_MS }, { wait: true, timeoutMs: MAX_WAIT_MS }],
    ['a whole number written with a fraction', { timeoutMs: 5.0 }, { wait: true, timeoutMs: 5 }],
  ])('reads %s', (_, fields, expected) => {
    const parsed = request(url, { ...body, ...fields });
    expect(parsed.ok ? parsed.value : parsed.error).toMatchObject(expected);
  });

  it.each([
    ['wait: null', { wait: null }, WAIT_REFUSED],
    ['wait: "true"', { wait: 'true' }, WAIT_REFUSED],
    ['wait: 1', { wait: 1 }, WAIT_REFUSED],
    ['timeoutMs: null', { timeoutMs: null }, TIMEOUT_REFUSED],
    ['timeoutMs: 0', { timeoutMs: 0 }, TIMEOUT_REFUSED],
    ['a negative timeout', { timeoutMs: -5 }, TIMEOUT_REFUSED],
    ['a fraction', { timeoutMs: 1.5 }, TIMEOUT_REFUSED],
    ['one over the largest', { timeoutMs: MAX_WAIT_MS + 1 }, TIMEOUT_REFUSED],
    ['a huge timeout', { timeoutMs: 1e300 }, TIMEOUT_REFUSED],
    ['a string', { timeoutMs: '5000' }, TIMEOUT_REFUSED],
    ['a list', { timeoutMs: [5000] }, TIMEOUT_REFUSED],
  ])('refuses %s with a 400 that names the field', (_, fields, message) => {
    expect(request(url, { ...body, ...fields })).toEqual({
      ok: false,
      error: { status: 400, message },
    });
  });
});
