import { describe, expect, it } from 'vitest';
import { lockFilePid, planRecovery, type SeenProcess } from './stale-server.js';

const DATA = '/srv/project/.devenv/postgres/data';
const lock = (pid: number | undefined) => ({ path: `${DATA}/postmaster.pid`, pid });
const socketLock = (pid: number) => ({ path: '/srv/socket/.s.PGSQL.5432.lock', pid });
const server = (pid: number, cwd = DATA): SeenProcess => ({
  pid,
  comm: 'postgres',
  cwd,
  zombie: false,
});

describe('lockFilePid', () => {
  it('reads the first line; PGlite’s made-up -42 and garbage are no pid', () => {
    expect(lockFilePid('9180\n/tmp/data\n1796411601\n5432\n')).toBe(9180);
    expect(lockFilePid('-42\n/pglite/data\n')).toBeUndefined();
    expect(lockFilePid('')).toBeUndefined();
  });
});

describe('planRecovery', () => {
  it('leaves a live postmaster of this data directory alone', () => {
    expect(planRecovery(DATA, lock(100), [], [server(100), server(101)])).toEqual({
      kind: 'running',
      pid: 100,
    });
  });

  it('after a group SIGKILL: kills the orphaned children; a dead pid’s locks are PostgreSQL’s', () => {
    const processes = [
      server(101),
      server(102),
      { ...server(103), zombie: true },
      server(104, '/other'),
    ];
    expect(planRecovery(DATA, lock(100), [socketLock(100)], processes)).toEqual({
      kind: 'recover',
      reclaimDataLock: undefined,
      removeSocketLocks: [],
      orphans: [101, 102],
    });
  });

  it('reclaims locks whose pid is an unreaped zombie postmaster (PostgreSQL would refuse them)', () => {
    const zombie: SeenProcess = { pid: 100, comm: 'postgres', cwd: undefined, zombie: true };
    expect(planRecovery(DATA, lock(100), [socketLock(100)], [zombie])).toEqual({
      kind: 'recover',
      reclaimDataLock: `${DATA}/postmaster.pid`,
      removeSocketLocks: ['/srv/socket/.s.PGSQL.5432.lock'],
      orphans: [],
    });
  });

  it('reclaims locks whose pid now belongs to a stranger', () => {
    const stranger: SeenProcess = { pid: 100, comm: 'sleep', cwd: '/', zombie: false };
    expect(planRecovery(DATA, lock(100), [socketLock(100)], [stranger])).toEqual({
      kind: 'recover',
      reclaimDataLock: `${DATA}/postmaster.pid`,
      removeSocketLocks: ['/srv/socket/.s.PGSQL.5432.lock'],
      orphans: [],
    });
  });

  it('keeps a socket lock held by another cluster’s live postgres (a real conflict)', () => {
    const other = server(100, '/elsewhere/data');
    expect(planRecovery(DATA, undefined, [socketLock(100)], [other])).toEqual({
      kind: 'recover',
      reclaimDataLock: undefined,
      removeSocketLocks: [],
      orphans: [],
    });
  });
});
