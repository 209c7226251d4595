/** Table tests of the checks the reaper makes before it kills a group or removes a container. */
import { describe, expect, it } from 'vitest';
import { checkContainer, checkGroup, type GroupFacts } from './leftover-check.js';

const facts = (over: Partial<GroupFacts> = {}): GroupFacts => ({
  ownPid: 500,
  ownPgid: 400,
  alive: true,
  leaderTicks: 1000,
  memberTicks: [1000, 1005],
  ...over,
});

describe('checkGroup', () => {
  it.each([
    ['pgid 1', { pgid: 1, startTicks: 1000 }, facts(), 'refused'],
    ['pgid 0', { pgid: 0, startTicks: 1000 }, facts(), 'refused'],
    ['a negative pgid', { pgid: -1, startTicks: 1000 }, facts(), 'refused'],
    ['our own pid', { pgid: 500, startTicks: 1000 }, facts(), 'refused'],
    ['our own group', { pgid: 400, startTicks: 1000 }, facts(), 'refused'],
    ['a group that is gone', { pgid: 700, startTicks: 1000 }, facts({ alive: false }), 'gone'],
    ['no recorded start time', { pgid: 700 }, facts(), 'refused'],
    ['a recycled pid', { pgid: 700, startTicks: 999 }, facts(), 'refused'],
    ['its leader, as recorded', { pgid: 700, startTicks: 1000 }, facts(), 'reap'],
    [
      'a leaderless group of younger processes',
      { pgid: 700, startTicks: 1000 },
      facts({ leaderTicks: undefined }),
      'reap',
    ],
    [
      'a leaderless group holding an older process',
      { pgid: 700, startTicks: 1000 },
      facts({ leaderTicks: undefined, memberTicks: [990, 1005] }),
      'refused',
    ],
  ] as const)('%s: %s', (_what, recorded, seen, kind) => {
    expect(checkGroup(recorded, seen).kind).toBe(kind);
  });

  it('says why pgid 1 is refused', () => {
    expect(checkGroup({ pgid: 1, startTicks: 5 }, facts())).toEqual({
      kind: 'refused',
      why: 'pgid 1 is no process group devenv starts (kill(-1) signals every process)',
    });
  });
});

describe('checkContainer', () => {
  const id = 'a'.repeat(64);
  const expected = { 'dev.devenv.project': 'p', 'dev.devenv.session': 's' };
  it.each([
    ['its labels', id, { kind: 'labels', labels: { ...expected, other: 'x' } }, 'reap'],
    ['gone', id, { kind: 'gone' }, 'gone'],
    [
      'another session',
      id,
      { kind: 'labels', labels: { ...expected, 'dev.devenv.session': 't' } },
      'refused',
    ],
    ['no labels', id, { kind: 'labels', labels: {} }, 'refused'],
    ['an Engine that does not answer', id, { kind: 'unknown', why: 'ECONNREFUSED' }, 'refused'],
    ['a name, not an id', 'postgres', { kind: 'labels', labels: expected }, 'refused'],
  ] as const)('%s', (_what, containerId, seen, kind) => {
    expect(checkContainer(containerId, expected, seen).kind).toBe(kind);
  });

  it('names the label that differs', () => {
    expect(
      checkContainer(id, expected, { kind: 'labels', labels: { 'dev.devenv.project': 'p' } }),
    ).toEqual({
      kind: 'refused',
      why: "container aaaaaaaaaaaa does not carry this session's labels (dev.devenv.session=(none), expected s)",
    });
  });
});
