import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseControlRequest } from './protocol.js';

/**
 * GET /events and GET /stats against arbitrary and mutated requests: the parser never throws,
 * refuses with a 4xx and a message, and reads back exactly the names a well-formed query gives.
 */

const RUNS = { numRuns: 2000, seed: 10 };
const serviceName = fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,20}$/);
const path = fc.constantFrom('/events', '/stats');
/** A query: service= parameters (some repeated, some empty), at times another key or raw text. */
const query = fc.oneof(
  fc
    .array(
      fc.tuple(
        fc.oneof(fc.constant('service'), fc.constant('service'), fc.string({ maxLength: 8 })),
        fc.oneof(serviceName, fc.constantFrom('api', 'db', ''), fc.string({ maxLength: 10 })),
      ),
      { maxLength: 6 },
    )
    .map((pairs) => new URLSearchParams(pairs).toString()),
  fc.string({ maxLength: 40 }),
);

describe('GET /events and /stats under fuzzing', () => {
  it('never throws; every refusal is a 4xx with a message', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', ''), fc.string({ maxLength: 8 })),
        path,
        query,
        fc.string({ maxLength: 30 }),
        (method, p, q, body) => {
          const parsed = parseControlRequest({ method, url: `${p}?${q}`, body });
          if (method !== 'GET') expect(parsed.ok).toBe(false);
          if (parsed.ok) return;
          expect([400, 405]).toContain(parsed.error.status);
          expect(parsed.error.message.length).toBeGreaterThan(0);
          if (parsed.error.status === 405) expect(parsed.error.allow).toBe('GET');
        },
      ),
      RUNS,
    );
  });

  it('accepts exactly service=NAME queries and reads back the names, without repeats', () => {
    fc.assert(
      fc.property(
        path,
        fc.array(
          fc.tuple(
            fc.constantFrom('service', 'services', 'all'),
            fc.oneof(serviceName, fc.constantFrom('api', '')),
          ),
        ),
        (p, pairs) => {
          const parsed = parseControlRequest({
            method: 'GET',
            url: `${p}?${new URLSearchParams(pairs).toString()}`,
            body: '',
          });
          const wellFormed = pairs.every(([key, value]) => key === 'service' && value !== '');
          expect(parsed.ok).toBe(wellFormed);
          if (!parsed.ok) {
            expect(parsed.error.status).toBe(400);
            return;
          }
          expect(parsed.value).toEqual({
            kind: p.slice(1),
            services: [...new Set(pairs.map(([, name]) => name))],
          });
        },
      ),
      RUNS,
    );
  });
});
