/** The exec probe with real shell commands: exits, failures, timeouts and background children. */
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../../test/temp-dir.js';
import { waitUntil } from '../../test/wait-until.js';
import { isDeadState, readProcStatSync } from '../runtime/proc-stat.js';
import { probeExec } from './exec-probe.js';

const makeTempDir = useTempDirs('devenv-exec-probe-');

/** Alive and not a zombie (an orphan that PID 1 has not reaped yet is dead). */
function alive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return false;
  const stat = readProcStatSync(pid);
  return stat !== undefined && !isDeadState(stat.state);
}

async function backgroundPid(dir: string): Promise<number> {
  return waitUntil('the background child wrote its pid', 10_000, async () => {
    const text = await readFile(join(dir, 'pid'), 'utf8').catch(() => '');
    return text.trim() ? Number(text) : undefined;
  });
}

describe('probeExec', () => {
  it('passes on exit 0 and fails with the exit and the last output otherwise', async () => {
    const dir = await makeTempDir();
    expect(await probeExec(['true'], dir, 5_000)).toEqual({ ok: true, detail: 'true exited 0' });
    expect(await probeExec(['sh', '-c', 'echo not ready >&2; exit 3'], dir, 5_000)).toEqual({
      ok: false,
      detail: 'sh: exit 3: not ready',
    });
    expect((await probeExec(['/nonexistent/probe'], dir, 5_000)).ok).toBe(false);
  });

  // Before: only the direct child was killed and the answer waited for the pipes to close,
  // which the background sleep holds for 60 s; each check of the loop hung that long.
  it('times out promptly when a grandchild holds its pipes, check after check, and kills it', async () => {
    const dir = await makeTempDir();
    const command = ['sh', '-c', 'sleep 60 & echo $! > pid; sleep 60'];
    for (let check = 0; check < 3; check++) {
      const outcome = await probeExec(command, dir, 300);
      expect(outcome).toEqual({ ok: false, detail: 'sh: no answer within 300 ms' });
      const grandchild = await backgroundPid(dir);
      await waitUntil(`background sleep ${grandchild} is killed`, 10_000, () =>
        alive(grandchild) ? undefined : true,
      );
    }
  }, 20_000);

  it('answers when the command exits, though what it left in the background holds the pipes', async () => {
    const dir = await makeTempDir();
    const outcome = await probeExec(['sh', '-c', 'sleep 60 & echo $! > pid; exit 0'], dir, 30_000);
    expect(outcome).toEqual({ ok: true, detail: 'sh exited 0' });
    const grandchild = await backgroundPid(dir);
    await waitUntil(`background sleep ${grandchild} is killed`, 10_000, () =>
      alive(grandchild) ? undefined : true,
    );
  }, 20_000);

  it('keeps the last of stdout and stderr in the order written, and no descriptor per check', async () => {
    const dir = await makeTempDir();
    const openFds = () => readdirSync('/proc/self/fd').length;
    await probeExec(['true'], dir, 5_000);
    const before = openFds();
    for (let i = 0; i < 20; i++) await probeExec(['true'], dir, 5_000);
    const script = 'echo one; echo two >&2; echo three; exit 1';
    expect(await probeExec(['sh', '-c', script], dir, 5_000)).toEqual({
      ok: false,
      detail: 'sh: exit 1: one\ntwo\nthree',
    });
    expect(openFds()).toBe(before);
  });

  it('runs a `sh -c` of plain words as its program, without the shell', async () => {
    const dir = await makeTempDir();
    expect(await probeExec(['sh', '-c', 'true'], dir, 5_000)).toEqual({
      ok: true,
      detail: 'true exited 0',
    });
    const outcome = await probeExec(['sh', '-c', 'ls /nonexistent-devenv-probe'], dir, 5_000);
    expect(outcome.ok).toBe(false);
    expect(outcome.detail).toMatch(/^ls: exit 2: ls: cannot access/);
  });
});
