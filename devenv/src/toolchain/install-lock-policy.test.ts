import { describe, expect, it } from 'vitest';
import {
  decideLockStep,
  describeGiveUp,
  describeWait,
  type LockLimits,
  type LockSighting,
} from './install-lock-policy.js';

const limits: LockLimits = {
  maxWaitMs: 60_000,
  announceAfterMs: 3_000,
  repeatEveryMs: 20_000,
  unreadableStaleAfterMs: 10_000,
};
const owner = { pid: 4242, startedAt: Date.UTC(2026, 0, 1, 4, 5, 6) };
const live: LockSighting = { kind: 'held', owner, ownerAlive: true };
const dead: LockSighting = { kind: 'held', owner, ownerAlive: false };

describe('decideLockStep', () => {
  it.each([
    ['no lock file', { kind: 'free' }, 0, undefined, { kind: 'take' }],
    ['no lock file, long after', { kind: 'free' }, 90_000, 60_000, { kind: 'take' }],
    ['a live owner, at once', live, 0, undefined, { kind: 'wait', announce: false }],
    ['a live owner, 2.9 s', live, 2_900, undefined, { kind: 'wait', announce: false }],
    ['a live owner, 3 s: said once', live, 3_000, undefined, { kind: 'wait', announce: true }],
    ['a live owner, said 1 s ago', live, 4_000, 3_000, { kind: 'wait', announce: false }],
    ['a live owner, said 20 s ago: again', live, 23_000, 3_000, { kind: 'wait', announce: true }],
    ['a live owner past the limit', live, 60_000, 43_000, { kind: 'give-up' }],
    [
      'an unreadable file, 9 s old',
      { kind: 'unreadable', ageMs: 9_000 },
      0,
      undefined,
      { kind: 'wait', announce: false },
    ],
    [
      'an unreadable file past the limit',
      { kind: 'unreadable', ageMs: 1_000 },
      61_000,
      undefined,
      { kind: 'give-up' },
    ],
  ] as const)('%s', (_name, sighting, waitedMs, announcedAtMs, expected) => {
    expect(decideLockStep(sighting, { waitedMs, announcedAtMs }, limits)).toEqual(expected);
  });

  it.each([
    ['an owner that is not running, at once', dead, 0, /pid 4242, which held it, is not running/],
    ['an owner that is not running, past the limit', dead, 90_000, /pid 4242/],
    [
      'an unreadable file 10 s old',
      { kind: 'unreadable', ageMs: 10_000 } as const,
      0,
      /names no owner and is 10 s old/,
    ],
  ])('takes over from %s', (_name, sighting, waitedMs, why) => {
    const step = decideLockStep(sighting, { waitedMs, announcedAtMs: undefined }, limits);
    expect(step).toEqual({ kind: 'take-over', why: expect.stringMatching(why) });
  });
});

describe('the wait messages', () => {
  it('name the owner pid, since when it installs, and how long this waited', () => {
    expect(describeWait('kubernetes 1.34.4', live, 4_000)).toBe(
      'kubernetes 1.34.4: waiting for pid 4242, which has been installing it since 04:05:06 UTC (waited 4 s so far)',
    );
    expect(describeWait('etcd 3.6.17', { kind: 'unreadable', ageMs: 1 }, 300_000)).toBe(
      'etcd 3.6.17: waiting for another process that is starting to install it (waited 5 min so far)',
    );
  });

  it('say on giving up whom to stop and which file to delete', () => {
    expect(
      describeGiveUp('tilt 0.34.0', live, 70 * 60_000, '/p/.devenv/tools/.locks/tilt@0.34.0.lock'),
    ).toBe(
      'tilt 0.34.0: pid 4242 is still installing it after 70 min of waiting; if it is stuck, ' +
        'stop it (kill 4242) and run again (or delete /p/.devenv/tools/.locks/tilt@0.34.0.lock when no install is running)',
    );
  });
});
