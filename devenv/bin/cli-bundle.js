// devenv's CLI as a few bundled modules, used when it was built from the sources as they are now.
//
// A start from the sources loads ~350 modules: devenv's own TypeScript (~180 files, through
// typescript-hooks.js), zod (~100) and yaml (~70). Resolving and loading each one costs Node
// ~0.15 ms, ~50 ms in all before the first service is spawned on a fresh project. The bundle
// (cli-bundle-build.js: esbuild, split where the code imports lazily) is a few dozen modules, and
// the first service starts ~40 ms sooner. It is checked against
// its sources on every start (a stat per input, ~1 ms) and never trusted when one changed: that
// start runs from the sources, as before, and a build runs in the background for the next one.
// DEVENV_BUNDLE=0 always runs from the sources.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Bumped when how the bundle is built changes, so an older one is built again. */
export const BUNDLE_FORMAT = 1;
/** A failed or running build is not started again sooner than this. */
const RETRY_AFTER_MS = 60_000;

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where bundles are kept: the repository's own cache (the tests point it elsewhere). */
export function bundleDir() {
  return process.env.DEVENV_CLI_BUNDLE_DIR ?? join(ROOT, '.devenv', 'cache', 'cli');
}

/**
 * The URL of the bundled CLI's entry module when a bundle of the current sources exists; else
 * undefined, and a build is started in the background (unless one ran within the last minute).
 */
export function bundledCli() {
  if (process.env.DEVENV_BUNDLE === '0') return undefined;
  const dir = bundleDir();
  const manifest = readManifest(dir);
  if (manifest !== undefined && isFresh(manifest, ROOT, statOf)) {
    const entry = pathToFileURL(join(dir, manifest.entry)).href;
    resolveChunksDirectly(new URL('./', entry).href);
    return entry;
  }
  buildInBackground(dir);
  return undefined;
}

function readManifest(dir) {
  try {
    return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

function statOf(path) {
  const stats = statSync(path, { throwIfNoEntry: false });
  return stats === undefined ? undefined : { mtimeMs: stats.mtimeMs, size: stats.size };
}

/**
 * Whether `manifest` describes a bundle built, the current way, in this repository, from inputs
 * that are all still as they were: same size and modification time (paths relative to `root`,
 * which ends with a separator).
 */
export function isFresh(manifest, root, stat) {
  if (manifest?.format !== BUNDLE_FORMAT || manifest.root !== root) return false;
  if (typeof manifest.entry !== 'string' || !Array.isArray(manifest.inputs)) return false;
  return manifest.inputs.every((input) => {
    if (!Array.isArray(input) || input.length !== 3) return false;
    const [path, mtimeMs, size] = input;
    // Concatenated, not join()ed: ~350 joins would get path normalization compiled by TurboFan,
    // and paging in the optimizing compiler costs devenv ~5 MB of resident memory for good.
    const now = stat(root + path);
    return now !== undefined && now.mtimeMs === mtimeMs && now.size === size;
  });
}

function buildInBackground(dir) {
  const attempted = statOf(join(dir, 'attempt'));
  if (attempted !== undefined && Date.now() - attempted.mtimeMs < RETRY_AFTER_MS) return;
  try {
    // Written before the spawn: the starts that follow at once do not spawn builds of their own.
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'attempt'), `${process.pid}\n`);
    const builder = fileURLToPath(new URL('./cli-bundle-build.js', import.meta.url));
    // Detached and unwaited: it outlives a short command, and nothing waits for it. On Windows a
    // detached process gets a console window of its own unless hidden.
    const child = spawn(process.execPath, [builder], {
      detached: true,
      stdio: 'ignore',
      windowsHide: true,
    });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No bundle: devenv runs from its sources, as it always could.
  }
}

/**
 * The chunks import each other as `./chunk-….js`: resolved here to the file beside, without
 * Node's realpath and URL round trips (~130 of them at a start, enough to get path
 * normalization compiled by TurboFan, which then stays resident: ~5 MB).
 */
function resolveChunksDirectly(bundleUrl) {
  module.registerHooks?.({
    resolve(specifier, context, nextResolve) {
      if (specifier.startsWith('./') && context.parentURL?.startsWith(bundleUrl))
        return { url: bundleUrl + specifier.slice(2), format: 'module', shortCircuit: true };
      return nextResolve(specifier, context);
    },
  });
}
