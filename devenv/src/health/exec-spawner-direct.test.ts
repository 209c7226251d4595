/** devenv spawning a probe itself (no warm spawner here, or it died): the same outcomes. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../../test/temp-dir.js';
import { waitUntil } from '../../test/wait-until.js';
import { isDeadState, readProcStatSync } from '../runtime/proc-stat.js';
import { spawnDirectly } from './exec-spawner-direct.js';

const makeTempDir = useTempDirs('devenv-exec-direct-');

const alive = (pid: number) =>
  existsSync(`/proc/${pid}`) && !isDeadState(readProcStatSync(pid)?.state ?? 'X');

async function goneFromPidFile(dir: string): Promise<void> {
  const pid = await waitUntil('a pid', 10_000, async () => {
    const text = await readFile(join(dir, 'pid'), 'utf8').catch(() => '');
    return text.trim() ? Number(text) : undefined;
  });
  await waitUntil(`${pid} is gone`, 10_000, () => (alive(pid) ? undefined : true));
}

describe('spawnDirectly', () => {
  it('answers the exit, with the output only when it fails, and a signal by number', async () => {
    const dir = await makeTempDir();
    expect(await spawnDirectly(['true'], dir, 5_000)).toEqual({
      kind: 'exit',
      code: 0,
      output: '',
    });
    const failing = ['sh', '-c', 'echo one; echo two >&2; exit 3'];
    expect(await spawnDirectly(failing, dir, 5_000)).toEqual({
      kind: 'exit',
      code: 3,
      output: 'one\ntwo\n',
    });
    const killed = await spawnDirectly(['sh', '-c', 'kill -TERM $$'], dir, 5_000);
    expect(killed).toEqual({ kind: 'signal', signal: 15, output: '' });
    expect(await spawnDirectly(['/nonexistent/probe'], dir, 5_000)).toMatchObject({
      kind: 'error',
    });
  });

  it('kills the command with its children when the time is up', async () => {
    const dir = await makeTempDir();
    const command = ['sh', '-c', 'sleep 60 & echo $! > pid; sleep 60'];
    expect(await spawnDirectly(command, dir, 300)).toEqual({ kind: 'timeout' });
    await goneFromPidFile(dir);
  }, 20_000);

  it('kills what the command left in the background once it exits', async () => {
    const dir = await makeTempDir();
    const outcome = await spawnDirectly(['sh', '-c', 'sleep 60 & echo $! > pid'], dir, 30_000);
    expect(outcome).toMatchObject({ kind: 'exit', code: 0 });
    await goneFromPidFile(dir);
  }, 20_000);
});
