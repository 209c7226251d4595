import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/project-root.js';
// @ts-expect-error plain JavaScript, like devenv.js: it runs before TypeScript can be loaded
import { BUNDLE_FORMAT, isFresh } from './cli-bundle.js';

const run = promisify(execFile);
const DEVENV = join(PROJECT_ROOT, 'devenv', 'bin', 'devenv.js');
const BUILDER = join(PROJECT_ROOT, 'devenv', 'bin', 'cli-bundle-build.js');
const ROOT = `${PROJECT_ROOT}/`;

type Stat = { mtimeMs: number; size: number } | undefined;
const manifest = (inputs: unknown[], extra: object = {}) => ({
  format: BUNDLE_FORMAT,
  root: ROOT,
  entry: 'b-1/main.js',
  inputs,
  ...extra,
});

describe('isFresh: a bundle is used only while every input is as it was built from', () => {
  const files: Record<string, Stat> = {
    [join(ROOT, 'a.ts')]: { mtimeMs: 10.5, size: 100 },
    [join(ROOT, 'b.ts')]: { mtimeMs: 20, size: 200 },
  };
  const stat = (path: string) => files[path];

  it('holds when sizes and times match', () => {
    expect(
      isFresh(
        manifest([
          ['a.ts', 10.5, 100],
          ['b.ts', 20, 200],
        ]),
        ROOT,
        stat,
      ),
    ).toBe(true);
  });

  it('fails on an edit, a changed size, a removed input, another repository or format', () => {
    expect(isFresh(manifest([['a.ts', 10.6, 100]]), ROOT, stat)).toBe(false);
    expect(isFresh(manifest([['a.ts', 10.5, 101]]), ROOT, stat)).toBe(false);
    expect(isFresh(manifest([['gone.ts', 1, 1]]), ROOT, stat)).toBe(false);
    expect(isFresh(manifest([['a.ts', 10.5, 100]]), '/elsewhere/', stat)).toBe(false);
    const older = manifest([['a.ts', 10.5, 100]], { format: BUNDLE_FORMAT - 1 });
    expect(isFresh(older, ROOT, stat)).toBe(false);
  });

  it('fails on a manifest it cannot read', () => {
    for (const broken of [undefined, null, {}, manifest([['a.ts']]), manifest([7])])
      expect(isFresh(broken, ROOT, stat)).toBe(false);
    expect(isFresh({ ...manifest([]), entry: 3 }, ROOT, stat)).toBe(false);
  });
});

describe('the bundled CLI, built and run for real', () => {
  const dir = mkdtempSync(join(tmpdir(), 'devenv-cli-bundle-'));
  const env = { ...process.env, DEVENV_CLI_BUNDLE_DIR: dir };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const version = async (more: Record<string, string> = {}) => {
    const { stdout } = await run(DEVENV, ['version', '--format', 'json'], {
      env: { ...env, ...more },
    });
    return JSON.parse(stdout) as { bundled: boolean };
  };

  it('runs from the bundle once built; from the sources once an input changed, while it is built again', async () => {
    const manifestPath = join(dir, 'manifest.json');
    // A build during which a source was saved (devenv being worked on) leaves no manifest.
    for (let tries = 0; tries < 3 && !existsSync(manifestPath); tries++)
      await run(process.execPath, [BUILDER], { env });
    const built = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      entry: string;
      inputs: [string, number, number][];
    };
    expect(existsSync(join(dir, built.entry))).toBe(true);
    expect(built.inputs.map(([path]) => path)).toContain('devenv/src/cli/main.ts');
    expect((await version()).bundled).toBe(true);
    expect((await version({ DEVENV_BUNDLE: '0' })).bundled).toBe(false);

    // As if main.ts had been edited since: the sources run, and a build starts for the next run.
    const edited = built.inputs.map(([path, mtimeMs, size]) =>
      path === 'devenv/src/cli/main.ts' ? [path, mtimeMs, size + 1] : [path, mtimeMs, size],
    );
    writeFileSync(manifestPath, JSON.stringify({ ...built, inputs: edited }));
    rmSync(join(dir, 'attempt'), { force: true });
    expect((await version()).bundled).toBe(false);
    expect(existsSync(join(dir, 'attempt'))).toBe(true);
    const deadline = Date.now() + 50_000;
    while (!(await version()).bundled) {
      if (Date.now() > deadline) throw new Error('the background build made no bundle');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const rebuilt = JSON.parse(readFileSync(manifestPath, 'utf8')) as { entry: string };
    expect(rebuilt.entry).not.toBe(built.entry);
  }, 90_000);
});
