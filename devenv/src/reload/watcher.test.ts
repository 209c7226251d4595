/**
 * The real watcher (chokidar, inotify) on real files, saved the ways editors and tools save:
 * each save is one batch, and a batch comes within a few tens of ms of the save.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, open, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { useTempDirs } from '../../test/temp-dir.js';
import { waitUntil } from '../../test/wait-until.js';
import { isIgnoredUnder, watchedRoots, watchRepository, type RepoWatcher } from './watcher.js';

const makeTempDir = useTempDirs('devenv-watcher-');
let watcher: RepoWatcher | undefined;
afterEach(async () => {
  await watcher?.close();
  watcher = undefined;
});

/** A watched project with src/a.ts and src/b.ts; the batches as they arrive. */
async function watchedProject() {
  const root = await makeTempDir();
  await mkdir(join(root, 'src'));
  const a = join(root, 'src', 'a.ts');
  const b = join(root, 'src', 'b.ts');
  await writeFile(a, 'export const a = 1;\n');
  await writeFile(b, 'export const b = 1;\n');
  const batches: (readonly string[])[] = [];
  const errors: string[] = [];
  watcher = watchRepository({
    root,
    onBatch: (paths) => batches.push(paths),
    onError: (message) => errors.push(message),
  });
  await watcher.ready;
  /** Saves once and returns the one batch it caused, after a spell in which a second would show. */
  const oneBatchFor = async (save: () => Promise<void>) => {
    const before = batches.length;
    await save();
    await waitUntil('a batch for the save', 10_000, () =>
      batches.length > before ? true : undefined,
    );
    // Past the cap (300 ms) and chokidar's repeat of a change (50 ms): a second batch would be here.
    await sleep(600);
    expect(errors).toEqual([]);
    expect(batches.slice(before)).toHaveLength(1);
    return batches.at(-1)!;
  };
  return { root, a, b, oneBatchFor };
}

describe('watchRepository (real files, editors’ write patterns)', () => {
  it('truncate then write, with a pause between the two steps: one batch', async () => {
    const { a, oneBatchFor } = await watchedProject();
    const batch = await oneBatchFor(async () => {
      const file = await open(a, 'r+');
      await file.truncate(0);
      await sleep(60);
      await file.write('export const a = 2;\n');
      await file.close();
    });
    expect(batch).toEqual([a]);
  });

  it('write to a temporary file then rename over the original (VS Code, vim, JetBrains safe write): one batch', async () => {
    const { a, oneBatchFor } = await watchedProject();
    const plain = await oneBatchFor(async () => {
      await writeFile(`${a}.tmp`, 'export const a = 3;\n');
      await rename(`${a}.tmp`, a);
    });
    expect(plain).toContain(a);
    const jetbrains = await oneBatchFor(async () => {
      await writeFile(`${a}___jb_tmp___`, 'export const a = 4;\n');
      await rename(a, `${a}___jb_old___`);
      await rename(`${a}___jb_tmp___`, a);
      await unlink(`${a}___jb_old___`);
    });
    expect(jetbrains).toContain(a);
    const vim = await oneBatchFor(async () => {
      await rename(a, `${a}~`);
      await writeFile(a, 'export const a = 5;\n');
      await unlink(`${a}~`);
    });
    expect(vim).toContain(a);
  });

  it('a file written twice in a row (chokidar repeats the change later): one batch', async () => {
    const { a, oneBatchFor } = await watchedProject();
    const batch = await oneBatchFor(async () => {
      await writeFile(a, 'export const a = 6;\n');
      await writeFile(a, 'export const a = 66;\n');
    });
    expect(batch).toEqual([a]);
  });

  it('git checkout of another commit touching many files: one batch with all of them', async () => {
    const { root, a, b, oneBatchFor } = await watchedProject();
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: root });
    const others = Array.from({ length: 20 }, (_, i) => join(root, 'src', `m${i}.ts`));
    for (const path of others) await writeFile(path, 'export {};\n');
    await sleep(600); // the batch of these first writes goes by
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'one');
    git('checkout', '-qb', 'two');
    for (const path of [a, b, ...others]) await writeFile(path, 'export const two = 2;\n');
    git('commit', '-qam', 'two');
    await sleep(600);
    const batch = await oneBatchFor(async () => {
      git('checkout', '-q', 'main');
    });
    expect([...batch].sort()).toEqual([a, b, ...others].sort());
  });
});

describe('watchedRoots and isIgnoredUnder', () => {
  it('adds the watched paths outside the root, once, and ignores by the rules under each', () => {
    const roots = watchedRoots('/p/app', ['/p/app/src', '/p/shared', '/p/shared/lib', '/p/app']);
    expect(roots).toEqual(['/p/app', '/p/shared']);
    expect(isIgnoredUnder(roots, '/p/shared/lib/a.ts')).toBe(false);
    expect(isIgnoredUnder(roots, '/p/shared/node_modules/x/index.js')).toBe(true);
    expect(isIgnoredUnder(roots, '/p/other/a.ts')).toBe(true);
    expect(isIgnoredUnder(roots, '/p/app/src/a.ts')).toBe(false);
  });
});
