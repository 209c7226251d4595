import { describe, expect, it } from 'vitest';
import { DEFAULT_WAIT_MS, parseControlRequest } from './protocol.js';

const scale = (body: string, method = 'POST') =>
  parseControlRequest({ method, url: '/scale', body });

describe('POST /scale', () => {
  it('reads a service and a count, waiting by default', () => {
    expect(scale('{"service":"worker","replicas":3}')).toEqual({
      ok: true,
      value: {
        kind: 'scale',
        service: 'worker',
        replicas: 3,
        wait: true,
        timeoutMs: DEFAULT_WAIT_MS,
      },
    });
    expect(scale('{"service":"worker","replicas":0,"wait":false,"timeoutMs":5}')).toMatchObject({
      ok: true,
      value: { replicas: 0, wait: false, timeoutMs: 5 },
    });
  });

  it.each([
    ['{"service":"worker"}', '"replicas" must be a whole number from 0 to 100'],
    ['{"service":"worker","replicas":-1}', '"replicas" must be a whole number from 0 to 100'],
    ['{"service":"worker","replicas":1.5}', '"replicas" must be a whole number from 0 to 100'],
    ['{"service":"","replicas":1}', '"service" must be a service name'],
    ['{"service":"w","replicas":1,"force":true}', 'unknown field "force"'],
    ['[1]', 'the body must be a JSON object'],
    ['nope', 'the body is not JSON'],
  ])('refuses %s with 400', (body, message) => {
    const parsed = scale(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error.status).toBe(400);
      expect(parsed.error.message).toContain(message);
    }
  });

  it('takes POST only', () => {
    expect(scale('{}', 'GET')).toEqual({
      ok: false,
      error: { status: 405, allow: 'POST', message: '/scale takes POST, not GET' },
    });
  });
});
