import { describe, expect, it } from 'vitest';
import { parseSession } from './session-file.js';

const valid = {
  devenvPid: 4242,
  devenvStartTicks: 1234,
  sessionId: 'b7c1',
  projectName: 'time-cop',
  startedAt: 1_700_000_000_000,
  services: {
    api: { kind: 'process-group', pgid: 4300, startTicks: 1300 },
    worker: { kind: 'process-group', pgid: 4301 },
    postgres: { kind: 'container', id: 'abc123' },
  },
};

describe('parseSession', () => {
  it('reads a session file as written, without fields it does not know', () => {
    expect(parseSession({ ...valid, extra: true })).toEqual(valid);
    const withoutTicks: Partial<typeof valid> = { ...valid };
    delete withoutTicks.devenvStartTicks;
    expect(parseSession(withoutTicks)).toEqual(withoutTicks);
  });

  it.each<[string, unknown]>([
    ['not an object', [valid]],
    ['a pid that is not a positive integer', { ...valid, devenvPid: 0 }],
    ['a fractional pid', { ...valid, devenvPid: 1.5 }],
    ['no session id', { ...valid, sessionId: undefined }],
    ['a start time that is text', { ...valid, startedAt: 'now' }],
    ['start ticks that are text', { ...valid, devenvStartTicks: '12' }],
    ['no services', { ...valid, services: undefined }],
    ['a leftover of an unknown kind', { ...valid, services: { a: { kind: 'vm', id: 'x' } } }],
    ['a group without a pgid', { ...valid, services: { a: { kind: 'process-group' } } }],
    ['a container without an id', { ...valid, services: { a: { kind: 'container' } } }],
  ])('refuses %s', (_, value) => {
    expect(parseSession(value)).toBeUndefined();
  });
});
