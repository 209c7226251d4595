/**
 * The batcher on a fake clock, with an in-memory stand-in for the files' stat (the real
 * watcher on real files and editors' write patterns: watcher.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { fakeClock } from '../../test/fake-clock.js';
import type { FileSignature } from './debounce-policy.js';
import { createSaveBatcher } from './save-batcher.js';

function batcherOnFakeClockAndFakeFiles() {
  const clock = fakeClock();
  const files = new Map<string, FileSignature>();
  const batches: { at: number; paths: readonly string[] }[] = [];
  let mtime = 1;
  const batcher = createSaveBatcher({
    clock,
    settings: { quietMs: 20, capMs: 300 },
    inspect: async (paths) =>
      new Map(paths.map((path) => [path, files.get(path) ?? { kind: 'gone' as const }])),
    onBatch: (paths) => batches.push({ at: clock.now(), paths }),
  });
  const write = (path: string, size: number) => {
    files.set(path, { kind: 'file', size, mtimeMs: mtime++, ino: 1 });
    batcher.event('change', path);
  };
  return { clock, batcher, batches, write, start: clock.now() };
}

describe('save batcher (fake clock, in-memory files)', () => {
  it('acts one quiet window after a single write', async () => {
    const { clock, batches, write, start } = batcherOnFakeClockAndFakeFiles();
    write('/p/a.ts', 10);
    await clock.advance(19);
    expect(batches).toEqual([]);
    await clock.advance(1);
    expect(batches).toEqual([{ at: start + 20, paths: ['/p/a.ts'] }]);
  });

  it('waits out a truncate (empty file) until the content lands, as one batch', async () => {
    const { clock, batches, write, start } = batcherOnFakeClockAndFakeFiles();
    write('/p/a.ts', 0);
    await clock.advance(100);
    expect(batches).toEqual([]);
    write('/p/a.ts', 12);
    await clock.advance(100);
    expect(batches).toEqual([{ at: start + 120, paths: ['/p/a.ts'] }]);
  });

  it('acts at the cap on a file left empty, and on a writer that never pauses', async () => {
    const { clock, batches, write, start } = batcherOnFakeClockAndFakeFiles();
    write('/p/empty.ts', 0);
    await clock.advance(400);
    expect(batches).toEqual([{ at: start + 300, paths: ['/p/empty.ts'] }]);
    for (let i = 0; i < 40; i++) {
      write('/p/log.txt', i + 1);
      await clock.advance(10);
    }
    expect(batches.map((b) => b.at - start)).toEqual([300, 700]);
  });

  it('several files saved together are one batch; an echo of the last write is dropped', async () => {
    const { clock, batcher, batches, write, start } = batcherOnFakeClockAndFakeFiles();
    for (const name of ['a', 'b', 'c']) {
      write(`/p/${name}.ts`, 5);
      await clock.advance(3);
    }
    await clock.advance(30);
    expect(batches).toEqual([{ at: start + 26, paths: ['/p/a.ts', '/p/b.ts', '/p/c.ts'] }]);
    // chokidar repeats a file's change up to 50 ms after the first: same content, no new batch.
    batcher.event('change', '/p/a.ts');
    await clock.advance(50);
    expect(batches).toHaveLength(1);
    write('/p/a.ts', 6);
    await clock.advance(50);
    expect(batches.at(-1)?.paths).toEqual(['/p/a.ts']);
    expect(batches).toHaveLength(2);
  });

  it('raw write activity keeps an open burst going; alone it starts nothing', async () => {
    const { clock, batcher, batches, write, start } = batcherOnFakeClockAndFakeFiles();
    batcher.activity();
    await clock.advance(100);
    expect(batches).toEqual([]);
    write('/p/a.ts', 3);
    for (let i = 0; i < 5; i++) {
      await clock.advance(15);
      batcher.activity();
    }
    await clock.advance(19);
    expect(batches).toEqual([]);
    await clock.advance(1);
    expect(batches).toEqual([{ at: start + 195, paths: ['/p/a.ts'] }]);
  });

  it('stops acting once closed', async () => {
    const { clock, batcher, batches, write } = batcherOnFakeClockAndFakeFiles();
    write('/p/a.ts', 1);
    batcher.close();
    await clock.advance(1_000);
    expect(batches).toEqual([]);
  });
});
