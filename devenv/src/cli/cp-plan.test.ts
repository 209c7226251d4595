import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../../test/temp-dir.js';
import { bareSource, planCopy, tarRename } from './cp-plan.js';

const makeTempDir = useTempDirs('devenv-cp-plan-');

describe("planCopy: docker cp's destination rules", () => {
  const file = (path: string) => ({ path, kind: 'file' as const });
  const dir = (path: string) => ({ path, kind: 'dir' as const });
  const missing = (path: string) => ({ path, kind: undefined });
  const plan = (top: string, at: string, rename?: string, contentsOnly = false) => ({
    ok: true,
    value: { top, dir: at, rename, contentsOnly },
  });

  it('a file: saved as a missing DEST, over a file, or into a directory under its own name', () => {
    expect(planCopy(file('/a/log.txt'), missing('out/new.txt'))).toEqual(
      plan('log.txt', 'out', 'new.txt'),
    );
    expect(planCopy(file('/a/log.txt'), file('/b/old.txt'))).toEqual(
      plan('log.txt', '/b', 'old.txt'),
    );
    expect(planCopy(file('/a/log.txt'), dir('/b/'))).toEqual(plan('log.txt', '/b'));
    expect(planCopy(file('/a/log.txt'), missing('/b/'))).toMatchObject({
      error: 'directory /b/ does not exist: create it first, or drop the trailing /',
    });
    expect(planCopy(file('/a/log.txt/'), dir('/b'))).toMatchObject({
      error: '/a/log.txt/ is not a directory',
    });
  });

  it('a directory: becomes a missing DEST, goes inside a directory, or only its contents with /.', () => {
    expect(planCopy(dir('/data/'), missing('/x/copy'))).toEqual(plan('data', '/x', 'copy'));
    expect(planCopy(dir('/data'), dir('/x'))).toEqual(plan('data', '/x'));
    expect(planCopy(dir('/data/.'), dir('/x/'))).toEqual(plan('data', '/x', undefined, true));
    expect(planCopy(dir('/data/.'), missing('/x/new'))).toEqual(plan('data', '/x', 'new'));
    expect(planCopy(dir('/data'), file('/x/f'))).toMatchObject({
      error: 'cannot copy directory /data onto file /x/f',
    });
  });

  it('bareSource drops trailing / and /. but keeps /', () => {
    expect(['/a/b/', '/a/b/.', '/a/b/./', 'b/', '/', '/.'].map(bareSource)).toEqual([
      '/a/b',
      '/a/b',
      '/a/b',
      'b',
      '/',
      '/',
    ]);
  });
});

describe('planCopy (fuzzed paths)', () => {
  const segment = fc.constantFrom('a', 'b.txt', '-x', 'c d', '..a');
  const path = fc
    .tuple(
      fc.boolean(),
      fc.array(segment, { minLength: 1, maxLength: 4 }),
      fc.constantFrom('', '/', '/.'),
    )
    .map(([absolute, parts, tail]) => `${absolute ? '/' : ''}${parts.join('/')}${tail}`);
  const kind = fc.constantFrom('file' as const, 'dir' as const, undefined);

  it('lands SRC at DEST itself, or inside DEST under its own name, or refuses with the path named', () => {
    fc.assert(
      fc.property(
        path,
        fc.constantFrom('file' as const, 'dir' as const),
        path,
        kind,
        (src, srcKind, dest, destKind) => {
          const planned = planCopy({ path: src, kind: srcKind }, { path: dest, kind: destKind });
          if (!planned.ok) {
            expect(planned.error.includes(src) || planned.error.includes(dest)).toBe(true);
            return;
          }
          const { top, dir, rename, contentsOnly } = planned.value;
          expect(top).toBe(bareSource(src).split('/').pop());
          const landed = contentsOnly ? dir : posix.join(dir, rename ?? top);
          const inside = destKind === 'dir' && !contentsOnly;
          expect(landed).toBe(
            posix.normalize(inside ? `${bareSource(dest)}/${top}` : bareSource(dest)),
          );
          expect(contentsOnly).toBe(srcKind === 'dir' && src.endsWith('/.') && destKind === 'dir');
        },
      ),
      { numRuns: 2000, seed: 12 },
    );
  });
});

describe('tarRename against the real GNU tar (fuzzed names)', () => {
  // Names with the characters a sed expression treats specially, and ordinary ones.
  const nameChar = fc.constantFrom(
    'a',
    'Z',
    '0',
    '.',
    '*',
    '[',
    ']',
    '^',
    '$',
    '\\',
    ',',
    '&',
    ' ',
    '-',
  );
  const name = fc
    .array(nameChar, { minLength: 1, maxLength: 8 })
    .map((c) => c.join(''))
    .filter((n) => n !== '.' && n !== '..');

  it('renames the top entry and what is below it, and nothing else', async () => {
    const root = await makeTempDir();
    let run = 0;
    fc.assert(
      fc.property(name, name, (from, to) => {
        const work = join(root, String(run++));
        const src = join(work, 'src');
        const out = join(work, 'out');
        mkdirSync(join(src, from), { recursive: true });
        writeFileSync(join(src, from, 'inner'), 'x');
        // A sibling whose name starts with `from`: it must keep its name.
        writeFileSync(join(src, `${from}x`), 'y');
        mkdirSync(out, { recursive: true });
        const archive = execFileSync('tar', [
          '-c',
          '-f',
          '-',
          '--no-unquote',
          '-C',
          src,
          '--',
          from,
          `${from}x`,
        ]);
        execFileSync('tar', ['-x', '-f', '-', '-C', out, tarRename(from, to)], { input: archive });
        const expected = from === to ? [to, `${from}x`] : [to, `${from}x`].sort();
        expect(readdirSync(out).sort()).toEqual([...new Set(expected)].sort());
        expect(readdirSync(join(out, to))).toEqual(['inner']);
      }),
      { numRuns: 60, seed: 11 },
    );
  });
});
