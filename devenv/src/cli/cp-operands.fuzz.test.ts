import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCpOperands } from './cp-operands.js';

/**
 * `devenv cp SRC DEST` operands against arbitrary strings built from the characters that matter
 * (colons, slashes, dots, dashes): the parser never throws, names exactly one service when it
 * accepts, and gives back the operands' text unchanged (SERVICE + ':' + PATH, or the host path).
 */

const RUNS = { numRuns: 3000, seed: 10 };
const piece = fc.constantFrom(':', '/', '.', '-', '_', 'a', 'b', 'Z', '9', ' ', '@', 'é');
const operand = fc.oneof(
  fc.array(piece, { maxLength: 12 }).map((chars) => chars.join('')),
  fc.string({ maxLength: 16 }),
  fc
    .tuple(fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,8}$/), fc.string({ maxLength: 10 }))
    .map(([s, p]) => `${s}:${p}`),
);

/** Docker's reading, written out independently: host when absolute, `-`, no colon, or a `.` start. */
const isHost = (arg: string) =>
  arg === '-' || arg.startsWith('/') || arg.startsWith('.') || !arg.includes(':');

describe('parseCpOperands (fuzzed)', () => {
  it('never throws; accepts exactly one SERVICE:PATH and one host operand, text unchanged', () => {
    fc.assert(
      fc.property(operand, operand, (src, dest) => {
        const parsed = parseCpOperands(src, dest);
        if (!parsed.ok) {
          expect(parsed.error).toMatch(/\S/);
          return;
        }
        const v = parsed.value;
        expect(v.service).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9._-]*$/);
        expect(v.servicePath).not.toBe('');
        const [serviceSide, hostSide] = v.direction === 'from-service' ? [src, dest] : [dest, src];
        expect(`${v.service}:${v.servicePath}`).toBe(serviceSide);
        expect(v.hostPath).toBe(hostSide);
        expect(isHost(serviceSide)).toBe(false);
        expect(isHost(hostSide)).toBe(true);
      }),
      RUNS,
    );
  });

  it('refuses two host operands and two service operands, whatever they are', () => {
    fc.assert(
      fc.property(operand, operand, (src, dest) => {
        fc.pre(src !== '' && dest !== '' && isHost(src) === isHost(dest));
        expect(parseCpOperands(src, dest).ok).toBe(false);
      }),
      RUNS,
    );
  });
});

const serviceOperand = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,8}$/),
    fc.string({ minLength: 1, maxLength: 10 }),
  )
  .map(([s, p]) => `${s}:${p}`);

describe('parseCpOperands with one valid service operand (fuzzed)', () => {
  it('takes any non-empty host operand as it is, on either side', () => {
    fc.assert(
      fc.property(serviceOperand, operand, (service, host) => {
        fc.pre(host !== '' && isHost(host));
        expect(parseCpOperands(service, host)).toMatchObject({
          ok: true,
          value: { hostPath: host },
        });
        expect(parseCpOperands(host, service)).toMatchObject({
          ok: true,
          value: { hostPath: host },
        });
      }),
      RUNS,
    );
  });
});

describe('parseCpOperands', () => {
  it('reads both directions and stdin/stdout', () => {
    expect(parseCpOperands('api:/app/log.txt', '.')).toEqual({
      ok: true,
      value: {
        direction: 'from-service',
        service: 'api',
        servicePath: '/app/log.txt',
        hostPath: '.',
      },
    });
    expect(parseCpOperands('-', 'db:/tmp')).toMatchObject({
      ok: true,
      value: { direction: 'to-service', service: 'db', servicePath: '/tmp', hostPath: '-' },
    });
    expect(parseCpOperands('./a:b', 'api:x:y')).toMatchObject({
      ok: true,
      value: { service: 'api', servicePath: 'x:y', hostPath: './a:b' },
    });
  });
  it('says what is wrong and what to write', () => {
    expect(parseCpOperands('a:x', 'b:y')).toEqual({
      ok: false,
      error: 'copying between services is not supported: copy to this host, then on',
    });
    expect(parseCpOperands('x', 'y')).toMatchObject({ error: /name a service in SRC or DEST/ });
    expect(parseCpOperands('api:', '.')).toMatchObject({
      error: 'SRC "api:": no path after "api:"',
    });
    expect(parseCpOperands('my file:x', '/tmp')).toMatchObject({
      error:
        'SRC "my file:x": "my file" is not a service name; write ./my file:x for a local path with a colon',
    });
    expect(parseCpOperands('', 'api:/x')).toMatchObject({ error: /SRC is empty/ });
  });
});
