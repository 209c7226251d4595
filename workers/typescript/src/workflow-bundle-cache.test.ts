import { writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCacheDirs, bundleWorkflows, cachedBundleWorkflows } from './worker-setup.js';
import {
  bundleCacheKey,
  bundleCodeSha256,
  cachedWorkflowBundle,
  lookupWorkflowBundle,
  parseEntry,
  type WebpackPlugin,
} from './workflow-bundle-cache.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/**
 * A file written within 50 ms of a build's start may have been read before the write, so that
 * build is not cached; an editor's save comes well before the worker's restart, a test's does not.
 */
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

// Real webpack runs throughout (a few seconds each): the workflow module lives in a temporary
// directory inside the repository (ignored `.devenv/`), so its imports resolve from node_modules.
describe('workflow bundle cache', () => {
  let work: string;
  let cache: string;
  let workflows: string;
  const bundle = () => cachedBundleWorkflows({ workflowsPath: workflows }, [cache]);

  beforeAll(async () => {
    await mkdir(join(ROOT, '.devenv'), { recursive: true });
    work = await mkdtemp(join(ROOT, '.devenv', 'bundle-cache-test-'));
    cache = join(work, 'cache');
    workflows = join(work, 'workflows.ts');
    await writeFile(
      workflows,
      `import { sleep } from '@temporalio/workflow';
import { greeting } from './greeting.js';
export async function tinyWorkflow(name: string): Promise<string> {
  await sleep(1);
  return greeting(name);
}
`,
    );
    await writeFile(
      join(work, 'greeting.js'),
      'export function greeting(name) { return `hi ${name}`; }\n',
    );
    await settle();
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('builds once, then serves the same code from disk until a workflow file changes', async () => {
    const first = await bundle();
    expect(first.outcome).toMatchObject({ kind: 'miss', reason: 'no entry' });
    expect(first.outcome).toMatchObject({ stored: { path: expect.stringContaining(cache) } });
    expect(first.bundle.code).toContain('tinyWorkflow');

    const second = await bundle();
    expect(second.outcome.kind).toBe('hit');
    expect(second.bundle.code).toBe(first.bundle.code);

    // A comment changes nothing at run time, but the bundle embeds the source: it is rebuilt.
    await writeFile(workflows, `${await readFile(workflows, 'utf8')}// edited\n`);
    await settle();
    const edited = await bundle();
    expect(edited.outcome).toMatchObject({ kind: 'miss', reason: `${workflows} changed` });
    expect(edited.bundle.code).toContain('// edited');
    expect((await bundle()).outcome.kind).toBe('hit');
  }, 120_000);

  it('rebuilds when a new file would change what an import resolves to', async () => {
    expect((await bundle()).outcome.kind).not.toBe('off');
    // `./greeting.js` resolves to greeting.ts first when there is one (the SDK's extensionAlias).
    await writeFile(
      join(work, 'greeting.ts'),
      'export function greeting(name: string): string { return `hello ${name}`; }\n',
    );
    await settle();
    const after = await bundle();
    expect(after.outcome).toMatchObject({
      kind: 'miss',
      reason: `${join(work, 'greeting.ts')} changed`,
    });
    expect(after.bundle.code).toContain('hello ');
  }, 120_000);

  it('rebuilds over a corrupt or truncated entry instead of failing', async () => {
    await bundle();
    const [entry] = (await readdir(cache)).filter((name) => name.endsWith('.json'));
    expect(entry).toBeDefined();
    const text = await readFile(join(cache, entry!), 'utf8');
    await writeFile(join(cache, entry!), text.slice(0, text.length / 2));
    const truncated = await bundle();
    expect(truncated.outcome).toMatchObject({ kind: 'miss', reason: 'unreadable entry' });
    expect(truncated.bundle.code).toContain('tinyWorkflow');

    // Valid JSON whose code does not match its recorded hash (a flipped byte on disk).
    const good = JSON.parse(await readFile(join(cache, entry!), 'utf8')) as { code: string };
    await writeFile(
      join(cache, entry!),
      JSON.stringify({ ...good, code: good.code.replace('tinyWorkflow', 'tinyWorkflox') }),
    );
    const flipped = await bundle();
    expect(flipped.outcome).toMatchObject({ kind: 'miss', reason: 'corrupt entry' });
    expect(flipped.bundle.code).not.toContain('tinyWorkflox');
    expect((await bundle()).outcome.kind).toBe('hit');
  }, 120_000);

  it('does not store a bundle when a file webpack did not read again may have changed', async () => {
    // Built once in this process: the next build takes node_modules' modules from webpack's kept
    // cache (known by their package's version), without reading their files.
    await bundleWorkflows({ workflowsPath: workflows });
    const dir = join(work, 'cache-racy');
    const result = await cachedWorkflowBundle({
      dirs: [dir],
      key: bundleCacheKey('racy'),
      // Every input's mtime is after "the start of the build".
      now: () => 0,
      build: (track) => bundleWorkflows({ workflowsPath: workflows }, [track]),
    });
    expect(result.bundle.code).toContain('tinyWorkflow');
    expect(result.outcome).toMatchObject({
      kind: 'miss',
      stored: { skipped: expect.stringContaining('changed during the build') },
    });
    await expect(readdir(dir)).rejects.toThrow();
  }, 120_000);

  it('stores a bundle built right after a save, as the guard builds it (the prepared swap finds it)', async () => {
    // No settle: the build starts within milliseconds of the write, as the guard's does after
    // devenv's 20 ms debounce. The files webpack read are fingerprinted by what it read.
    await writeFile(workflows, `${await readFile(workflows, 'utf8')}// saved just now\n`);
    const saved = await bundle();
    expect(saved.outcome).toMatchObject({ kind: 'miss', stored: { path: expect.any(String) } });
    expect(saved.bundle.code).toContain('// saved just now');
    const sha = bundleCodeSha256(saved.bundle.code);
    const key = parseEntry(await readFile(join(cache, (await readdir(cache))[0]!), 'utf8'))!.key;
    expect(await lookupWorkflowBundle([cache], key, sha)).toEqual(saved.bundle);
  }, 120_000);

  it('keys an entry to what webpack read when a file changed while it ran', async () => {
    const dir = join(work, 'cache-changed-while-building');
    const before = await readFile(workflows, 'utf8');
    const during = `${before}// written while webpack ran\n`;
    const build = (track: WebpackPlugin) =>
      bundleWorkflows({ workflowsPath: workflows }, [
        track,
        // Once every module was read and built: the save an editor makes meanwhile.
        {
          apply: (compiler) =>
            compiler.hooks.done.tap('save', () => writeFileSync(workflows, during)),
        },
      ]);
    const key = bundleCacheKey('changed-while-building');
    const first = await cachedWorkflowBundle({ dirs: [dir], key, build });
    expect(first.bundle.code).not.toContain('written while webpack ran');
    // Whether or not it was stored, the next lookup must not serve it for the new content.
    const next = await cachedWorkflowBundle({
      dirs: [dir],
      key,
      build: (track) => bundleWorkflows({ workflowsPath: workflows }, [track]),
    });
    expect(next.outcome.kind).toBe('miss');
    expect(next.bundle.code).toContain('written while webpack ran');
  }, 120_000);

  it('falls back to the next directory when the first cannot be written', async () => {
    // A path below a regular file: mkdir fails even for root (a read-only root filesystem).
    const blocked = join(work, 'greeting.js', 'cache');
    const fallback = join(work, 'cache-fallback');
    const built = await cachedBundleWorkflows({ workflowsPath: workflows }, [blocked, fallback]);
    expect(built.outcome).toMatchObject({
      kind: 'miss',
      stored: { path: expect.stringContaining(fallback) },
    });
    const again = await cachedBundleWorkflows({ workflowsPath: workflows }, [blocked, fallback]);
    expect(again.outcome).toMatchObject({ kind: 'hit', path: expect.stringContaining(fallback) });
  }, 120_000);
});

describe('lookupWorkflowBundle (the bundle the guard replays, by its hash)', () => {
  it('gives the entry’s code only when it has that SHA-256, and never builds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bundle-lookup-'));
    try {
      const built = { code: 'module.exports = "guarded";' };
      const key = bundleCacheKey({ test: 'lookup' });
      const { outcome } = await cachedWorkflowBundle({
        dirs: [dir],
        key,
        // A build that read no files (webpack's part is covered above): it reports that to the tracker.
        build: async (track) => {
          track.apply({
            inputFileSystem: null,
            hooks: {
              beforeRun: { tap: () => undefined },
              done: {
                tap: (_name, done) =>
                  done({
                    compilation: {
                      fileDependencies: [],
                      contextDependencies: [],
                      missingDependencies: [],
                    },
                  }),
              },
            },
          });
          return built;
        },
      });
      expect(outcome).toMatchObject({ kind: 'miss' });
      const sha = bundleCodeSha256(built.code);
      expect(await lookupWorkflowBundle([dir], key, sha)).toEqual(built);
      expect(
        await lookupWorkflowBundle([dir], key, bundleCodeSha256('other code')),
      ).toBeUndefined();
      expect(
        await lookupWorkflowBundle([dir], bundleCacheKey({ test: 'absent' }), sha),
      ).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('parseEntry', () => {
  it('accepts only a complete entry of the current format', () => {
    const entry = {
      format: 1,
      key: 'k',
      code: 'c',
      codeSha256: 'x',
      inputs: { '/a.ts': `sha256:${'0'.repeat(64)}`, '/b': 'absent', '/c': 'dir' },
    };
    expect(parseEntry(JSON.stringify(entry))).toEqual(entry);
    expect(parseEntry('{"format":1')).toBeUndefined();
    expect(parseEntry('null')).toBeUndefined();
    expect(parseEntry(JSON.stringify({ ...entry, format: 0 }))).toBeUndefined();
    expect(
      parseEntry(JSON.stringify({ ...entry, inputs: { '/a.ts': 'sha256:zz' } })),
    ).toBeUndefined();
    expect(parseEntry(JSON.stringify({ ...entry, code: undefined }))).toBeUndefined();
  });
});

describe('bundleCacheDirs', () => {
  it('is the repository’s .devenv then the temporary directory, unless configured', () => {
    const dirs = bundleCacheDirs({});
    expect(dirs[0]).toBe(join(ROOT, '.devenv', 'cache', 'workflow-bundle'));
    expect(dirs).toHaveLength(2);
    expect(bundleCacheDirs({ WORKFLOW_BUNDLE_CACHE_DIR: '/tmp/wb' })).toEqual(['/tmp/wb']);
    expect(bundleCacheDirs({ WORKFLOW_BUNDLE_CACHE_DIR: 'off' })).toEqual([]);
  });
});
