// Builds the bundled CLI that cli-bundle.js loads: devenv/src/cli/main.ts and what it imports,
// with the packages every start needs (zod, yaml, chokidar) inside, split where the code imports
// lazily so that a command loads only its part. Other packages stay where npm put them: they are
// loaded on demand, and some carry native code or files found relative to themselves.
//
// Run by cli-bundle.js in the background when no bundle matches the sources; by hand:
// `node devenv/bin/cli-bundle-build.js`. It writes a new directory and then, by a rename, a
// manifest naming it and the inputs it was built from; a devenv that started on an older bundle
// keeps the files it may still load lazily (the newest few bundles are kept).
import { mkdirSync, openSync, closeSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { statSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { BUNDLE_FORMAT, ROOT, bundleDir } from './cli-bundle.js';

/** Packages bundled in: loaded by nearly every command before its work starts. */
const BUNDLED_PACKAGES = new Set(['zod', 'yaml', 'chokidar', 'readdirp']);
/** Older bundles kept besides the current one, for devenvs still running on them. */
const KEEP_OLDER = 3;
/** A lock older than this belongs to a build that died. */
const STALE_LOCK_MS = 120_000;

const dir = bundleDir();

function takeLock(path) {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      closeSync(openSync(path, 'wx'));
      return true;
    } catch {
      const held = statSync(path, { throwIfNoEntry: false });
      if (held !== undefined && Date.now() - held.mtimeMs < STALE_LOCK_MS) return false;
      rmSync(path, { force: true });
    }
  }
  return false;
}

async function build() {
  const esbuild = module.createRequire(import.meta.url)('esbuild');
  const startedAt = Date.now();
  const name = `b-${startedAt.toString(36)}-${process.pid}`;
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ['devenv/src/cli/main.ts'],
    outdir: join(dir, name),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    jsx: 'automatic',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'silent',
    define: { DEVENV_BUNDLED_ROOT: JSON.stringify(ROOT.replace(/\/$/, '')) },
    // The CommonJS packages bundled in (yaml) require Node's built-ins. Made on first use: a
    // createRequire per chunk at load would cost ~60 module objects and path resolutions.
    banner: {
      js: "import { createRequire as devenvCreateRequire } from 'node:module'; let devenvRequire; const require = (id) => (devenvRequire ??= devenvCreateRequire(import.meta.url))(id);",
    },
    plugins: [keepPackagesOutside],
  });
  const inputs = [...new Set(Object.keys(result.metafile.inputs).map(stampedFile))].map((path) => {
    const { mtimeMs, size } = statSync(join(ROOT, path));
    return [path, mtimeMs, size];
  });
  // A file saved while esbuild ran may be in the bundle as it was before: no manifest, and the
  // next start builds again.
  if (inputs.some(([, mtimeMs]) => mtimeMs >= startedAt - 20)) {
    rmSync(join(dir, name), { recursive: true, force: true });
    return;
  }
  const manifest = { format: BUNDLE_FORMAT, root: ROOT, entry: `${name}/main.js`, inputs };
  const temporary = join(dir, `manifest.json.${process.pid}.tmp`);
  writeFileSync(temporary, JSON.stringify(manifest));
  renameSync(temporary, join(dir, 'manifest.json'));
  removeOlderBundles(name);
}

/**
 * The file whose change says that `input` changed: itself, or for a package's file, the
 * package's package.json (npm rewrites it with every install of another version). Fewer stats
 * at each start: the packages bundled in have ~170 files.
 */
function stampedFile(input) {
  const inPackage = /^(.*?node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  return inPackage ? `${inPackage[1]}/package.json` : input;
}

/** Bare imports of packages other than BUNDLED_PACKAGES stay imports of node_modules. */
const keepPackagesOutside = {
  name: 'keep-packages-outside',
  setup(plugin) {
    plugin.onResolve({ filter: /^[^./]/ }, (args) => {
      const parts = args.path.split('/');
      const name = args.path.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
      return BUNDLED_PACKAGES.has(name) ? undefined : { path: args.path, external: true };
    });
  },
};

function removeOlderBundles(current) {
  const older = readdirSync(dir)
    .filter((entry) => entry.startsWith('b-') && entry !== current)
    .map((entry) => ({ entry, mtimeMs: statSync(join(dir, entry)).mtimeMs }))
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const { entry } of older.slice(KEEP_OLDER))
    rmSync(join(dir, entry), { recursive: true, force: true });
}

// At a low priority (esbuild's own process inherits it): the build starts beside a `devenv up`
// whose stack start is CPU-bound, and only the next start needs it. Not the lowest: on a machine
// kept busy (a test suite) that would starve it for minutes.
try {
  setPriority(10);
} catch {
  // Not allowed here: the build runs at the usual priority.
}
mkdirSync(dir, { recursive: true });
const lock = join(dir, 'build.lock');
if (takeLock(lock)) {
  try {
    await build();
  } finally {
    rmSync(lock, { force: true });
  }
}
