import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialEngineState, type EngineState } from '../engine/service-state.js';
import { useTempDirs } from '../../test/temp-dir.js';
import { changedForPs } from './snapshot-change.js';
import { snapshotWriter } from './state-snapshot.js';

const makeTempDir = useTempDirs();

function probed(state: EngineState, at: number, ok = true, detail = 'port 80 open'): EngineState {
  const api = state.services['api']!;
  return {
    ...state,
    services: {
      ...state.services,
      api: { ...api, lastProbe: { ok, at, detail, consecutiveFailures: 0 } },
    },
  };
}

describe('changedForPs', () => {
  const base = probed(initialEngineState(['api', 'db']), 1_000);

  it('a passing probe that only moved its timestamp changes nothing ps shows', () => {
    expect(changedForPs(base, probed(base, 6_000))).toBe(false);
  });

  it('a probe result, a phase, a pid or a new service does', () => {
    expect(changedForPs(base, probed(base, 6_000, false))).toBe(true);
    expect(changedForPs(base, probed(base, 6_000, true, 'other detail'))).toBe(true);
    const api = base.services['api']!;
    expect(
      changedForPs(base, { ...base, services: { ...base.services, api: { ...api, pid: 42 } } }),
    ).toBe(true);
    expect(changedForPs(base, initialEngineState(['api', 'db', 'web']))).toBe(true);
    expect(changedForPs(undefined, base)).toBe(true);
  });
});

describe('snapshotWriter (real file)', () => {
  it('writes a change at once after a quiet spell, and a burst at most every 200 ms', async () => {
    const path = join(await makeTempDir(), 'state.json');
    const writer = snapshotWriter(path, 'demo', (problem) => {
      throw new Error(problem);
    });
    writer.update(probed(initialEngineState(['api']), 1_000));
    // No timer ran: the first change is on disk when update returns.
    expect(readFileSync(path, 'utf8')).toContain('"api"');
    writer.update(probed(initialEngineState(['api']), 2_000, false, 'refused'));
    expect(readFileSync(path, 'utf8')).not.toContain('refused');
    await new Promise((r) => setTimeout(r, 300));
    expect(readFileSync(path, 'utf8')).toContain('refused');
    writer.remove();
  });

  it('skips the write for a probe that only moved its timestamp, and writes a real change', async () => {
    const path = join(await makeTempDir(), 'state.json');
    const writer = snapshotWriter(path, 'demo', (problem) => {
      throw new Error(problem);
    });
    writer.flush(probed(initialEngineState(['api']), 1_000));
    const first = statSync(path).mtimeMs;
    const written = readFileSync(path, 'utf8');
    writer.update(probed(initialEngineState(['api']), 6_000));
    await new Promise((r) => setTimeout(r, 300));
    expect(readFileSync(path, 'utf8')).toBe(written);
    expect(statSync(path).mtimeMs).toBe(first);
    writer.update(probed(initialEngineState(['api']), 11_000, false, 'refused'));
    await new Promise((r) => setTimeout(r, 300));
    expect(readFileSync(path, 'utf8')).toContain('refused');
    writer.remove();
  });
});
