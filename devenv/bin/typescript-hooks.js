// devenv's own TypeScript, loaded in the main thread (plain JavaScript, like devenv.js, because
// it is what makes TypeScript loadable).
//
// tsx (a loader thread, esbuild) cost ~0.15 s of CPU and ~10 MB of RSS on every `devenv …`.
// Here synchronous hooks in this thread (module.registerHooks) serve each project `.ts` file as
// JavaScript kept in .devenv/cache/typescript/, one file per source, valid while the source's
// mtime and size are unchanged. Only a source edited since the last run is compiled again:
// Node's own type stripping (module.stripTypeScriptTypes) blanks the types out in place, so
// lines and columns stay put and stack traces point into the source without a source map. What
// stripping cannot do is compiled with an inline source map, which Node reads only under
// --enable-source-maps (NODE_OPTIONS): parameter properties (Node's transform mode) and the
// TUI's JSX (esbuild). Turning source maps on here would make Node parse the maps of every
// package loaded after (Ink, React, the Temporal client): ~25 MB more resident with the TUI.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

/** The repository; TypeScript under it (outside node_modules) is the project's own. */
const PROJECT_URL = new URL('../../', import.meta.url).href;
const CACHE_DIR = fileURLToPath(new URL('../../.devenv/cache/typescript/', import.meta.url));
/** Bumped when what this file produces changes, so older cache entries are compiled again. */
const FORMAT = 1;

function isProjectSource(url) {
  return url.startsWith(PROJECT_URL) && !url.includes('/node_modules/');
}

/**
 * `./x.js` written in a project `.ts` file names `./x.ts` (or `.tsx`) as TypeScript's NodeNext
 * resolution has it; anything else resolves as Node resolves it.
 */
function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL;
  if (
    parent !== undefined &&
    specifier.startsWith('.') &&
    specifier.endsWith('.js') &&
    /\.tsx?$/.test(parent) &&
    isProjectSource(parent)
  ) {
    const stem = new URL(specifier.slice(0, -3), parent).href;
    for (const extension of ['.ts', '.tsx']) {
      const url = `${stem}${extension}`;
      if (statSync(new URL(url), { throwIfNoEntry: false })?.isFile())
        return { url, format: 'module', shortCircuit: true };
    }
  }
  return nextResolve(specifier, context);
}

function load(url, context, nextLoad) {
  if (!isProjectSource(url) || !/\.tsx?$/.test(url)) return nextLoad(url, context);
  return { format: 'module', source: cachedJavaScript(fileURLToPath(url)), shortCircuit: true };
}

function cachedJavaScript(path) {
  const { mtimeMs, size } = statSync(path);
  const stamp = `// devenv ${FORMAT} ${mtimeMs} ${size}\n`;
  const cachePath = `${CACHE_DIR}${path.slice(fileURLToPath(PROJECT_URL).length).replaceAll('/', '__')}.js`;
  try {
    const cached = readFileSync(cachePath, 'utf8');
    if (cached.startsWith(stamp)) return cached.slice(stamp.length);
  } catch {
    // not cached yet
  }
  const source = readFileSync(path, 'utf8');
  const compiled = path.endsWith('.tsx') ? compileJsx(source, path) : stripTypes(source, path);
  store(cachePath, stamp + compiled);
  return compiled;
}

/** Written whole under a temporary name: devenv processes running side by side share the cache. */
function store(cachePath, text) {
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    const temporary = `${cachePath}.${process.pid}.tmp`;
    writeFileSync(temporary, text);
    renameSync(temporary, cachePath);
  } catch {
    // A read-only checkout still runs; it compiles again next time.
  }
}

function stripTypes(source, path) {
  return withoutExperimentalWarning(() => {
    try {
      return module.stripTypeScriptTypes(source);
    } catch (error) {
      if (error?.code !== 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX') throw error;
      return module.stripTypeScriptTypes(source, {
        mode: 'transform',
        sourceMap: true,
        sourceUrl: path,
      });
    }
  });
}

/** Node warns that stripTypeScriptTypes is experimental; a devenv user cannot act on that. */
function withoutExperimentalWarning(compile) {
  const emitWarning = process.emitWarning;
  process.emitWarning = (warning, ...rest) => {
    if (!String(warning).includes('stripTypeScriptTypes'))
      emitWarning.call(process, warning, ...rest);
  };
  try {
    return compile();
  } finally {
    process.emitWarning = emitWarning;
  }
}

let esbuild;

function compileJsx(source, path) {
  esbuild ??= module.createRequire(import.meta.url)('esbuild');
  return esbuild.transformSync(source, {
    loader: 'tsx',
    format: 'esm',
    jsx: 'automatic',
    target: 'node22',
    sourcemap: 'inline',
    sourcefile: path,
  }).code;
}

export function registerTypeScriptHooks() {
  module.registerHooks({ resolve, load });
}
