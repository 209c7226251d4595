/**
 * An on-disk cache of the workflow bundle, so a worker whose workflow code did not change starts
 * without running webpack (seconds on a 2-core machine; an activity edit restarts the worker).
 *
 * An entry is valid only while everything webpack read to build it is unchanged: the entry is
 * keyed by the bundler's options and tool versions (`key`), and lists every file webpack depended
 * on (workflow sources, their imports, the interceptor and payload-converter modules, the
 * @temporalio/workflow files, package.json files) with its SHA-256, the directories it looked in,
 * and the paths it probed and did not find (a new file there could change what an import
 * resolves to). A lookup re-checks all of them, which reads ~350 files: a few milliseconds.
 *
 * The cache is only ever an optimisation: an unreadable, corrupt or stale entry is a miss (the
 * bundle is built as without a cache) and a cache that cannot be written is skipped.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Bump when the entry's shape or the meaning of its fields changes. */
const FORMAT = 1;
/** Entries kept per directory (one per set of bundler options: queues, test workflows…). */
const KEEP_ENTRIES = 8;
/**
 * A file changed this close to (or after) the build's start may have been read before the
 * change: that bundle is used but not cached. The kernel's file timestamps lag its clock by up to
 * a tick, hence the margin.
 */
const MTIME_MARGIN_MS = 50;

/** What webpack read: its compilation's file, context and missing dependencies. */
export interface BundleDependencies {
  readonly files: readonly string[];
  readonly contexts: readonly string[];
  readonly missing: readonly string[];
}

/** How each dependency looked when the bundle was built. */
type Fingerprint = 'absent' | 'dir' | `sha256:${string}`;

interface CacheEntry {
  readonly format: typeof FORMAT;
  readonly key: string;
  readonly inputs: Readonly<Record<string, Fingerprint>>;
  readonly codeSha256: string;
  readonly code: string;
}

export type CacheOutcome =
  | { readonly kind: 'hit'; readonly path: string }
  /** Built; `stored` is where the entry went, or why it was not stored. */
  | {
      readonly kind: 'miss';
      readonly reason: string;
      readonly stored: { readonly path: string } | { readonly skipped: string };
    }
  | { readonly kind: 'off' };

export interface CachedBundleOptions {
  /** Candidate directories, first usable wins (e.g. `.devenv/…`, then a tmpdir); none: off. */
  readonly dirs: readonly string[];
  /** Identifies everything that shapes the bundle besides the files webpack reads. */
  readonly key: string;
  /**
   * Builds the bundle. `track` is a webpack plugin that records the dependencies: the builder
   * adds it to webpack's plugins (through the SDK's `webpackConfigHook`).
   */
  build(track: WebpackPlugin): Promise<{ readonly code: string }>;
  /** For tests: the clock the mtime guard compares with. */
  readonly now?: () => number;
}

/** The slice of webpack's plugin interface the tracker needs. */
export interface WebpackPlugin {
  apply(compiler: WebpackCompiler): void;
}
interface WebpackCompiler {
  readonly hooks: {
    readonly done: { tap(name: string, fn: (stats: { compilation: Compilation }) => void): void };
  };
}
interface Compilation {
  readonly fileDependencies: Iterable<string>;
  readonly contextDependencies: Iterable<string>;
  readonly missingDependencies: Iterable<string>;
}

/** SHA-256 of a cache key's parts (JSON, so their order and nesting count). */
export function bundleCacheKey(parts: unknown): string {
  return sha256(JSON.stringify({ format: FORMAT, parts }));
}

/** The bundle from the cache when it is still what a build would produce, otherwise built. */
export async function cachedWorkflowBundle(
  options: CachedBundleOptions,
): Promise<{ readonly bundle: { readonly code: string }; readonly outcome: CacheOutcome }> {
  if (options.dirs.length === 0) {
    const { bundle } = await buildTracked(options);
    return { bundle, outcome: { kind: 'off' } };
  }
  const file = `${options.key}.json`;
  let reason = 'no entry';
  for (const dir of options.dirs) {
    const path = join(dir, file);
    const found = await readEntry(path, options.key);
    if (found.kind === 'absent') continue;
    if (found.kind === 'valid')
      return { bundle: { code: found.code }, outcome: { kind: 'hit', path } };
    reason = found.reason;
    break;
  }
  const now = options.now ?? Date.now;
  const startedAt = now();
  const { bundle, dependencies } = await buildTracked(options);
  const stored = await store(options.dirs, file, options.key, bundle.code, dependencies, startedAt);
  return { bundle, outcome: { kind: 'miss', reason, stored } };
}

/**
 * The cached bundle whose code has `codeSha256`, without building: the worker preparing a swap
 * takes the bundle the determinism guard built and replays, named by its hash. Its inputs are not
 * re-checked: whatever the files say now, that is the code the guard judged.
 */
export async function lookupWorkflowBundle(
  dirs: readonly string[],
  key: string,
  codeSha256: string,
): Promise<{ readonly code: string } | undefined> {
  for (const dir of dirs) {
    let text: string;
    try {
      text = await readFile(join(dir, `${key}.json`), 'utf8');
    } catch {
      continue;
    }
    const entry = parseEntry(text);
    if (!entry || entry.key !== key || entry.codeSha256 !== codeSha256) return undefined;
    return sha256(entry.code) === codeSha256 ? { code: entry.code } : undefined;
  }
  return undefined;
}

/** SHA-256 of a bundle's code, as an entry records it. */
export function bundleCodeSha256(code: string): string {
  return sha256(code);
}

async function buildTracked(
  options: CachedBundleOptions,
): Promise<{ bundle: { code: string }; dependencies: BundleDependencies | undefined }> {
  let dependencies: BundleDependencies | undefined;
  const track: WebpackPlugin = {
    apply: (compiler) =>
      compiler.hooks.done.tap('workflow-bundle-cache', ({ compilation }) => {
        dependencies = {
          files: [...compilation.fileDependencies],
          contexts: [...compilation.contextDependencies],
          missing: [...compilation.missingDependencies],
        };
      }),
  };
  const built = await options.build(track);
  return { bundle: { code: built.code }, dependencies };
}

type ReadOutcome =
  | { readonly kind: 'absent' }
  | { readonly kind: 'valid'; readonly code: string }
  | { readonly kind: 'invalid'; readonly reason: string };

async function readEntry(path: string, key: string): Promise<ReadOutcome> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { kind: 'absent' };
  }
  const entry = parseEntry(text);
  if (!entry || entry.key !== key) return { kind: 'invalid', reason: 'unreadable entry' };
  if (sha256(entry.code) !== entry.codeSha256) return { kind: 'invalid', reason: 'corrupt entry' };
  for (const [input, expected] of Object.entries(entry.inputs)) {
    if (fingerprint(input) !== expected) return { kind: 'invalid', reason: `${input} changed` };
  }
  return { kind: 'valid', code: entry.code };
}

/** Pure: an entry from its JSON, or undefined when it is not one (truncated, foreign, old). */
export function parseEntry(text: string): CacheEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const entry = value as Partial<Record<keyof CacheEntry, unknown>>;
  if (entry.format !== FORMAT) return undefined;
  if (typeof entry.key !== 'string' || typeof entry.code !== 'string') return undefined;
  if (typeof entry.codeSha256 !== 'string') return undefined;
  if (typeof entry.inputs !== 'object' || entry.inputs === null) return undefined;
  const inputs = entry.inputs as Record<string, unknown>;
  if (!Object.values(inputs).every(isFingerprint)) return undefined;
  return {
    format: FORMAT,
    key: entry.key,
    code: entry.code,
    codeSha256: entry.codeSha256,
    inputs: inputs as Record<string, Fingerprint>,
  };
}

function isFingerprint(value: unknown): value is Fingerprint {
  return (
    value === 'absent' ||
    value === 'dir' ||
    (typeof value === 'string' && /^sha256:[0-9a-f]{64}$/.test(value))
  );
}

/** How a path looks now: absent, a directory, or a file's content hash. */
function fingerprint(path: string): Fingerprint {
  try {
    const stats = statSync(path);
    if (stats.isDirectory()) return 'dir';
    return `sha256:${sha256(readFileSync(path))}`;
  } catch {
    return 'absent';
  }
}

async function store(
  dirs: readonly string[],
  file: string,
  key: string,
  code: string,
  dependencies: BundleDependencies | undefined,
  startedAt: number,
): Promise<{ path: string } | { skipped: string }> {
  if (!dependencies) return { skipped: 'the bundler reported no dependencies' };
  // A context dependency (require.context) reads a directory's listing: not fingerprinted here.
  if (dependencies.contexts.length > 0)
    return { skipped: 'the workflow code reads directory listings' };
  const paths = [...new Set([...dependencies.files, ...dependencies.missing])];
  const changedDuringBuild = await firstModifiedSince(paths, startedAt - MTIME_MARGIN_MS);
  if (changedDuringBuild) return { skipped: `${changedDuringBuild} changed during the build` };
  const inputs: Record<string, Fingerprint> = {};
  for (const path of paths.sort()) inputs[path] = fingerprint(path);
  const entry: CacheEntry = { format: FORMAT, key, inputs, codeSha256: sha256(code), code };
  const text = JSON.stringify(entry);
  const failures: string[] = [];
  for (const dir of dirs) {
    const target = join(dir, file);
    // Written aside, then renamed: a reader sees the old entry or the new one, never half of one.
    const temporary = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(temporary, text);
      await rename(temporary, target);
      await prune(dir);
      return { path: target };
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => undefined);
      failures.push(`${dir}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { skipped: `not writable (${failures.join('; ')})` };
}

async function firstModifiedSince(
  paths: readonly string[],
  since: number,
): Promise<string | undefined> {
  for (const path of paths) {
    const stats = await stat(path).catch(() => undefined);
    if (stats && !stats.isDirectory() && stats.mtimeMs >= since) return path;
  }
  return undefined;
}

/** Keeps the newest entries; leftovers of interrupted writes older than a minute go too. */
async function prune(dir: string): Promise<void> {
  const names = await readdir(dir);
  const dated = await Promise.all(
    names.map(async (name) => ({
      name,
      mtimeMs: (await stat(join(dir, name)).catch(() => undefined))?.mtimeMs ?? 0,
    })),
  );
  const entries = dated
    .filter((d) => d.name.endsWith('.json'))
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
  const stale = [
    ...entries.slice(KEEP_ENTRIES),
    ...dated.filter((d) => d.name.endsWith('.tmp') && d.mtimeMs < Date.now() - 60_000),
  ];
  await Promise.all(stale.map((d) => rm(join(dir, d.name), { force: true })));
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
