import { describe, expect, it } from 'vitest';
import { DEFAULT_WAIT_MS, MAX_WAIT_MS, parseControlRequest } from './protocol.js';

/** The bodies of both POST endpoints are read by one parser: the same rules, the same messages. */
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

describe.each(ENDPOINTS)('the body of POST $url', ({ url }) => {
  const raw = (body: string) => parseControlRequest({ method: 'POST', url, body });

  it.each([
    ['an empty body', '', /^the body is empty; send JSON such as \{/],
    ['a body that is not JSON', 'nope', /^the body is not JSON \(.*\); send JSON such as \{/],
    ['a list', '[1]', /^the body must be a JSON object such as \{/],
    ['null', 'null', /^the body must be a JSON object such as \{/],
    ['an unknown field', '{"force":true}', /^unknown field "force"; fields: /],
    ['a long unknown field, clipped', `{"${'x'.repeat(100)}":1}`, /^unknown field "x{57}…"; /],
  ])('refuses %s with a 400', (_, body, message) => {
    const parsed = raw(body);
    expect(parsed.ok ? 'accepted' : parsed.error.status).toBe(400);
    if (!parsed.ok) expect(parsed.error.message).toMatch(message);
  });
});
