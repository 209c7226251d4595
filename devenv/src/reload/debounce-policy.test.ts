import { describe, expect, it } from 'vitest';
import { decide, freshChanges, type ActedOn, type FileSignature } from './debounce-policy.js';

const settings = { quietMs: 20, capMs: 300 };
const file = (size: number, mtimeMs: number, ino = 7): FileSignature => ({
  kind: 'file',
  size,
  mtimeMs,
  ino,
});

describe('decide', () => {
  it('waits for the quiet window after the latest event, then acts', () => {
    const burst = { firstAt: 1_000, lastAt: 1_005 };
    expect(decide(burst, 1_010, false, settings)).toEqual({ kind: 'wait', until: 1_025 });
    expect(decide(burst, 1_025, false, settings)).toEqual({ kind: 'act' });
  });

  it('keeps waiting past a quiet moment while a file of the burst is empty, up to the cap', () => {
    const burst = { firstAt: 1_000, lastAt: 1_000 };
    expect(decide(burst, 1_020, true, settings)).toEqual({ kind: 'wait', until: 1_040 });
    expect(decide(burst, 1_290, true, settings)).toEqual({ kind: 'wait', until: 1_300 });
    expect(decide(burst, 1_300, true, settings)).toEqual({ kind: 'act' });
  });

  it('acts at the cap however recent the latest event', () => {
    expect(decide({ firstAt: 1_000, lastAt: 1_290 }, 1_295, false, settings)).toEqual({
      kind: 'wait',
      until: 1_300,
    });
    expect(decide({ firstAt: 1_000, lastAt: 1_299 }, 1_300, false, settings)).toEqual({
      kind: 'act',
    });
  });
});

describe('freshChanges', () => {
  it('drops an echo of a change already acted on, keeps a file written since', () => {
    const previous = new Map<string, ActedOn>([
      ['/p/a.ts', { signature: file(10, 5.25), at: 1_000 }],
      ['/p/b.ts', { signature: file(10, 5.25), at: 1_000 }],
    ]);
    const batch = new Map([
      ['/p/a.ts', file(10, 5.25)],
      ['/p/b.ts', file(10, 6.5)],
    ]);
    const { paths, remember } = freshChanges(batch, previous, 1_040);
    expect(paths).toEqual(['/p/b.ts']);
    expect(remember.get('/p/b.ts')).toEqual({ signature: file(10, 6.5), at: 1_040 });
    expect(remember.get('/p/a.ts')?.at).toBe(1_000);
  });

  it('keeps a file replaced by a rename (another inode) and a deletion of a file acted on', () => {
    const previous = new Map<string, ActedOn>([
      ['/p/a.ts', { signature: file(10, 5.25, 7), at: 1_000 }],
      ['/p/b.ts', { signature: file(3, 1), at: 1_000 }],
    ]);
    const batch = new Map<string, FileSignature>([
      ['/p/a.ts', file(10, 5.25, 8)],
      ['/p/b.ts', { kind: 'gone' }],
    ]);
    expect(freshChanges(batch, previous, 1_010).paths).toEqual(['/p/a.ts', '/p/b.ts']);
  });

  it('forgets what it acted on after keepMs: a later identical signature counts again', () => {
    const previous = new Map<string, ActedOn>([
      ['/p/a.ts', { signature: file(10, 5.25), at: 1_000 }],
      ['/p/c.ts', { signature: file(1, 1), at: 1_000 }],
    ]);
    const { paths, remember } = freshChanges(
      new Map([['/p/a.ts', file(10, 5.25)]]),
      previous,
      2_500,
    );
    expect(paths).toEqual(['/p/a.ts']);
    expect([...remember.keys()]).toEqual(['/p/a.ts']);
  });
});
