import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { waitUntil } from '../../test/wait-until.js';
import { isDeadState, parseProcStat, readProcStat, readProcStatSync } from './proc-stat.js';

describe('parseProcStat', () => {
  it('reads the fields after a command name holding spaces and parentheses', () => {
    const text =
      '4242 (odd) name (x)) S 4200 4242 4100 0 -1 4194304 99 0 0 0 310 25 7 3 20 0 1 0 987654 3133440 512 18446744073709551615 0\n';
    expect(parseProcStat(text)).toEqual({
      pid: 4242,
      comm: 'odd) name (x)',
      state: 'S',
      ppid: 4200,
      pgrp: 4242,
      utime: 310,
      stime: 25,
      cutime: 7,
      cstime: 3,
      startTicks: 987654,
      rssPages: 512,
    });
  });

  it('is undefined for text that is not a stat line', () => {
    expect(parseProcStat('')).toBeUndefined();
    expect(parseProcStat('4242 (cut short) S')).toBeUndefined();
  });
});

describe('readProcStat', () => {
  it('reads this process, sync and async alike', async () => {
    const own = readProcStatSync('self');
    expect(own?.pid).toBe(process.pid);
    expect(own?.ppid).toBe(process.ppid);
    expect(own?.comm).toBe(readFileSync('/proc/self/comm', 'utf8').trimEnd());
    expect((await readProcStat(process.pid))?.startTicks).toBe(own?.startTicks);
  });

  it('reads a running child as alive, and nothing once it has exited', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const pid = child.pid!;
    expect(isDeadState(readProcStatSync(pid)!.state)).toBe(false);
    child.kill('SIGKILL');
    await new Promise((done) => child.once('exit', done));
    await waitUntil('the child is reaped', 5_000, () =>
      readProcStatSync(pid) === undefined ? true : undefined,
    );
    expect(await readProcStat(pid)).toBeUndefined();
  });
});
