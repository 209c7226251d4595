import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONTROL_ACTIONS, MAX_WAIT_MS, parseControlRequest } from './protocol.js';
import { SIGNAL_ACTIONS } from './signal-protocol.js';

/**
 * The control socket's parser against arbitrary and mutated requests: it never throws, refuses
 * with a 4xx and a message, and reads back exactly what a well-formed request says.
 */

const RUNS = { numRuns: 2000, seed: 25 };
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', ''];
const PATHS = [
  '/services',
  ...[...CONTROL_ACTIONS, ...SIGNAL_ACTIONS, 'wait'].map((a) => `/services/${a}`),
  '/services/',
  '/services/restart/',
  '/services//restart',
  '/',
  '',
  '*',
  'http://devenv/services/restart',
];
const serviceName = fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,20}$/);
const anyJson = fc.jsonValue({ maxDepth: 3 });

/** Each field of the body absent, well-typed, or any JSON value; at times a field it does not have. */
const bodyObject = fc
  .tuple(
    fc.record(
      {
        services: fc.oneof(
          fc.array(serviceName, { maxLength: 6 }),
          // Few names, so that some repeat.
          fc.array(fc.constantFrom('api', 'db', 'worker'), { minLength: 1, maxLength: 6 }),
          anyJson,
        ),
        wait: fc.oneof(fc.boolean(), anyJson),
        timeoutMs: fc.oneof(
          fc.integer({ min: -10, max: MAX_WAIT_MS + 10 }),
          // Tenths across the allowed range, where only the whole-number rule refuses fractions.
          fc.integer({ min: 0, max: MAX_WAIT_MS * 10 }).map((n) => n / 10),
          fc.double(),
          anyJson,
        ),
      },
      { requiredKeys: [] },
    ),
    fc.option(fc.tuple(fc.constantFrom('force', 'service', '__proto__', 'constructor'), anyJson), {
      freq: 4,
    }),
  )
  // A computed key makes even "__proto__" an own field, as JSON.parse makes it.
  .map(([fields, extra]): Record<string, unknown> =>
    extra ? { ...fields, [extra[0]]: extra[1] } : fields,
  );

const rawRequest = fc.record({
  method: fc.oneof(fc.constantFrom(...METHODS), fc.string({ maxLength: 8 })),
  url: fc.oneof(
    fc.constantFrom(...PATHS),
    fc.tuple(fc.constantFrom(...PATHS), fc.string({ maxLength: 20 })).map(([p, q]) => `${p}?${q}`),
    fc.string({ maxLength: 40 }),
  ),
  body: fc.oneof(
    bodyObject.map((o) => JSON.stringify(o)),
    anyJson.map((v) => JSON.stringify(v) ?? ''),
    fc.string({ maxLength: 60 }),
    // Valid JSON cut short, as a client that died mid-write leaves it.
    bodyObject.chain((o) => {
      const text = JSON.stringify(o);
      return fc.nat({ max: text.length }).map((n) => text.slice(0, n));
    }),
  ),
});

describe('parseControlRequest under fuzzing', () => {
  it('never throws; every refusal is a 4xx with a message', () => {
    fc.assert(
      fc.property(rawRequest, (raw) => {
        const parsed = parseControlRequest(raw);
        if (parsed.ok) return;
        expect([400, 404, 405, 413]).toContain(parsed.error.status);
        expect(parsed.error.message.length).toBeGreaterThan(0);
        if (parsed.error.status === 405) expect(parsed.error.allow).toBeDefined();
      }),
      RUNS,
    );
  });

  it('accepts exactly the well-formed actions, and reads back what they say', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CONTROL_ACTIONS),
        bodyObject,
        fc.string({ maxLength: 10 }),
        (action, body, query) => {
          const parsed = parseControlRequest({
            method: 'POST',
            url: `/services/${action}${query ? `?${query}` : ''}`,
            body: JSON.stringify(body),
          });
          const { services, wait = true, timeoutMs = 120_000 } = body as Record<string, unknown>;
          const wellFormed =
            Object.keys(body).every((k) => ['services', 'wait', 'timeoutMs'].includes(k)) &&
            Array.isArray(services) &&
            services.length > 0 &&
            services.every((s) => typeof s === 'string' && s !== '') &&
            typeof wait === 'boolean' &&
            Number.isInteger(timeoutMs) &&
            (timeoutMs as number) >= 1 &&
            (timeoutMs as number) <= MAX_WAIT_MS;
          expect(parsed.ok).toBe(wellFormed);
          if (!parsed.ok) {
            expect(parsed.error.status).toBe(400);
            return;
          }
          expect(parsed.value).toEqual({
            kind: 'act',
            action,
            services: [...new Set(services as string[])],
            wait,
            timeoutMs,
          });
        },
      ),
      RUNS,
    );
  });

  it('names the offending field in every 400 about a field', () => {
    fc.assert(
      fc.property(bodyObject, (body) => {
        const parsed = parseControlRequest({
          method: 'POST',
          url: '/services/stop',
          body: JSON.stringify(body),
        });
        if (parsed.ok) return;
        const named = ['"services"', '"wait"', '"timeoutMs"', 'unknown field'].some((field) =>
          parsed.error.message.includes(field),
        );
        expect(named).toBe(true);
      }),
      RUNS,
    );
  });
});
