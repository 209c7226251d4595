import { describe, expect, it } from 'vitest';
import { preparationOf, reloadTargets } from './reload-request.js';

const dirs = {
  workflows: '/repo/workers/typescript/src/workflows',
  activities: '/repo/workers/typescript/src/activities',
  root: '/repo',
};
const body = (paths: unknown) => JSON.stringify({ paths });

describe('which Workers a reload request replaces', () => {
  it('follows the changed files: workflows, activities, or both', () => {
    expect(reloadTargets(body([`${dirs.workflows}/demo.ts`]), dirs)).toEqual({
      ok: true,
      workflows: true,
      activities: false,
    });
    expect(reloadTargets(body(['workers/typescript/src/activities/say-hello.ts']), dirs)).toEqual({
      ok: true,
      workflows: false,
      activities: true,
    });
    expect(
      reloadTargets(body([`${dirs.activities}/a.ts`, `${dirs.workflows}/b.ts`]), dirs),
    ).toEqual({ ok: true, workflows: true, activities: true });
  });

  it('refuses an empty body: it would swap in workflow code no reload guard has replayed', () => {
    for (const empty of ['', '  \n'])
      expect(reloadTargets(empty, dirs)).toMatchObject({
        ok: false,
        status: 400,
        error: expect.stringContaining('"paths"'),
      });
  });

  it('sends a file read only at start to a restart (501)', () => {
    for (const path of [
      '/repo/workers/typescript/src/config.ts',
      '/repo/workers/typescript/src/workflows-old/a.ts',
      '/repo/workers/typescript/src/activities/../worker.ts',
    ])
      expect(reloadTargets(body([`${dirs.activities}/a.ts`, path]), dirs)).toMatchObject({
        ok: false,
        status: 501,
        error: expect.stringContaining('restart the worker'),
      });
  });

  it('rejects a malformed request (400)', () => {
    for (const bad of ['{', '[]', '{"paths":"a.ts"}', '{"paths":[1]}', 'null'])
      expect(reloadTargets(bad, dirs), bad).toMatchObject({ ok: false, status: 400 });
  });
});

describe("the determinism guard's prepare and discard requests", () => {
  const sha = 'a'.repeat(64);
  it('reads a prepare with the bundle’s SHA-256, and a discard', () => {
    expect(preparationOf(JSON.stringify({ prepare: 'workflows', codeSha256: sha }))).toEqual({
      kind: 'prepare',
      codeSha256: sha,
    });
    expect(
      preparationOf(
        JSON.stringify({ prepare: 'workflows', codeSha256: sha, bundleMs: 230, bundleCpuMs: 190 }),
      ),
    ).toEqual({
      kind: 'prepare',
      codeSha256: sha,
      bundleMs: 230,
      bundleCpuMs: 190,
    });
    expect(
      preparationOf(JSON.stringify({ prepare: 'workflows', codeSha256: sha, bundleMs: 'slow' })),
    ).toEqual({ kind: 'prepare', codeSha256: sha });
    expect(preparationOf(JSON.stringify({ discard: 'workflows' }))).toEqual({ kind: 'discard' });
  });

  it('leaves anything else to reloadTargets: swap requests, malformed ones', () => {
    for (const other of [
      JSON.stringify({ paths: ['/repo/a.ts'] }),
      JSON.stringify({ prepare: 'workflows' }),
      JSON.stringify({ prepare: 'workflows', codeSha256: 'not a hash' }),
      JSON.stringify({ prepare: 'activities', codeSha256: sha }),
      'null',
      '',
      '{',
    ])
      expect(preparationOf(other), other).toBeUndefined();
  });
});
