import { constants } from 'node:os';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseControlRequest } from './protocol.js';
import { SIGNAL_ACTIONS } from './signal-protocol.js';

/**
 * POST /services/{kill|pause|unpause|wait} against arbitrary bodies: the parser never throws, refuses
 * with a 400 that names the field, and reads back exactly what a well-formed request says. The
 * expected signal is worked out here from the system's signal table, not by the parser's code.
 */

const RUNS = { numRuns: 2000, seed: 9 };
const SIGNALS = constants.signals as Record<string, number>;
const RESERVED = ['SIGSTOP', 'SIGCONT', 'SIGTSTP'];
const serviceName = fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,20}$/);
const anyJson = fc.jsonValue({ maxDepth: 3 });

const signalValue = fc.oneof(
  fc.constantFrom(...Object.keys(SIGNALS)),
  fc.constantFrom(...Object.keys(SIGNALS)).map((name) => name.slice(3).toLowerCase()),
  fc.integer({ min: -2, max: 70 }),
  fc.integer({ min: 0, max: 70 }).map(String),
  fc.string({ maxLength: 12 }),
  anyJson,
);

const body = fc
  .tuple(
    fc.record(
      {
        services: fc.oneof(
          fc.array(serviceName, { maxLength: 5 }),
          fc.array(fc.constantFrom('api', 'db'), { minLength: 1, maxLength: 5 }),
          anyJson,
        ),
        signal: signalValue,
      },
      { requiredKeys: [] },
    ),
    fc.option(fc.tuple(fc.constantFrom('wait', 'timeoutMs', '__proto__'), anyJson), { freq: 5 }),
  )
  .map(([fields, extra]): Record<string, unknown> =>
    extra ? { ...fields, [extra[0]]: extra[1] } : fields,
  );

/** The signal a kill body names, as this test reads the system's table; undefined: refused. */
function expectedSignal(raw: unknown): string | undefined {
  if (raw === undefined) return 'SIGKILL';
  if (typeof raw !== 'string' && typeof raw !== 'number') return undefined;
  const text = String(raw).trim();
  const name = /^\d+$/.test(text)
    ? Object.keys(SIGNALS).find((key) => SIGNALS[key] === Number(text))
    : `SIG${text.toUpperCase().replace(/^SIG/, '')}`;
  return name !== undefined && Object.hasOwn(SIGNALS, name) && !RESERVED.includes(name)
    ? name
    : undefined;
}

describe('kill, pause, unpause and wait requests under fuzzing', () => {
  it('accept exactly the well-formed bodies, and read back what they say', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SIGNAL_ACTIONS, 'wait'), body, (action, fields) => {
        const parsed = parseControlRequest({
          method: 'POST',
          url: `/services/${action}`,
          body: JSON.stringify(fields),
        });
        const known = action === 'kill' ? ['services', 'signal'] : ['services'];
        const { services } = fields;
        const signal = action === 'kill' ? expectedSignal(fields['signal']) : undefined;
        const wellFormed =
          Object.keys(fields).every((k) => known.includes(k)) &&
          Array.isArray(services) &&
          services.length > 0 &&
          services.every((s) => typeof s === 'string' && s !== '') &&
          (action !== 'kill' || signal !== undefined);
        expect(parsed.ok).toBe(wellFormed);
        if (!parsed.ok) {
          expect(parsed.error.status).toBe(400);
          const named = ['"services"', '"signal"', 'unknown field'].some((field) =>
            parsed.error.message.includes(field),
          );
          expect(named).toBe(true);
          return;
        }
        const names = [...new Set(services as string[])];
        expect(parsed.value).toEqual(
          action === 'wait'
            ? { kind: 'wait', services: names }
            : action === 'kill'
              ? { kind: 'signal', action, services: names, signal }
              : { kind: 'signal', action, services: names },
        );
      }),
      RUNS,
    );
  });
});
