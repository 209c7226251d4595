/**
 * webpack's in-memory cache, kept from one compiler to the next. The SDK's bundleWorkflowCode
 * builds a new webpack compiler for every bundle, and webpack's own memory cache lives and dies
 * with its compiler, so each bundle parsed and transpiled all ~350 modules again (0.6–1.0 s on a
 * 2-core machine). With this plugin in the compiler (and webpack's own cache off), a later bundle
 * of the same workflows rebuilds only the modules whose files changed, as a watch rebuild would.
 *
 * Stale code is the risk, so a cached module is reused only after webpack checked its snapshot
 * against the files now: the compiler that asks is new, so nothing of what it knows about the
 * files is older than this bundle; `contentSnapshots` makes those snapshots content hashes, not
 * timestamps (an edit within the file system's timestamp granularity still changes the hash).
 */
/** Cache entries unused for this many bundles are dropped (modules no longer imported, …). */
const KEEP_UNUSED_FOR = 3;

/** webpack's cache stages (lib/cache/Cache.js): the memory stage answers before any other. */
const STAGE_MEMORY = -10;

type Etag = unknown;
type GotHandler = (result: unknown, callback: () => void) => void;
interface CacheHooks {
  readonly store: {
    tap(options: object, fn: (id: string, etag: Etag, data: unknown) => void): void;
  };
  readonly get: {
    tap(options: object, fn: (id: string, etag: Etag, got: GotHandler[]) => unknown): void;
  };
}
interface Compiler {
  inputFileSystem: object | null;
  readonly cache: { readonly hooks: CacheHooks };
  readonly hooks: {
    readonly beforeRun: { tap(options: object, fn: () => void): void };
    readonly done: { tap(name: string, fn: () => void): void };
  };
}

/** enhanced-resolve's CachedInputFileSystem: what webpack puts around `fs` by default. */
export type CachedInputFileSystem = new (fs: object, durationMs: number) => object;

interface Entry {
  readonly etag: Etag;
  readonly data: unknown;
  usedIn: number;
}

/** Hash-only snapshots: webpack re-reads each file a cached module came from and compares content. */
export const contentSnapshots = {
  module: { hash: true },
  resolve: { hash: true },
  contextModule: { hash: true },
} as const;

/** One cache for the bundles of one bundler configuration (worker-setup.ts keys them). */
export class KeptWebpackCache {
  readonly #entries = new Map<string, Entry>();
  readonly #cachedFs: CachedInputFileSystem;
  #bundles = 0;

  /**
   * `cachedFs`: the SDK gives webpack its own union of an in-memory and the real file system,
   * without webpack's usual cache of stats, reads and links; a cached build is mostly the checks
   * of its modules' snapshots and resolutions, ~3× faster with that cache back. It is made anew
   * for each build, so it holds nothing from one bundle to the next.
   */
  constructor(cachedFs: CachedInputFileSystem) {
    this.#cachedFs = cachedFs;
  }

  /** Entries held now (for tests and logs). */
  get size(): number {
    return this.#entries.size;
  }

  /** A webpack plugin for one compiler: each bundle adds a fresh one. */
  plugin(): { apply(compiler: Compiler): void } {
    return { apply: (compiler) => this.#apply(compiler) };
  }

  #apply(compiler: Compiler): void {
    const bundle = ++this.#bundles;
    const tap = { name: 'KeptWebpackCache', stage: STAGE_MEMORY };
    // After the SDK set its file system and other plugins wrapped it (recorded-reads.ts).
    compiler.hooks.beforeRun.tap({ name: 'KeptWebpackCache', stage: 100 }, () => {
      if (compiler.inputFileSystem)
        compiler.inputFileSystem = new this.#cachedFs(compiler.inputFileSystem, 60_000);
    });
    compiler.cache.hooks.store.tap(tap, (id, etag, data) => {
      this.#entries.set(id, { etag, data, usedIn: bundle });
    });
    compiler.cache.hooks.get.tap(tap, (id, etag, got) => {
      const entry = this.#entries.get(id);
      // Etags are compared by identity, as webpack's memory cache does: a lazy etag of a new
      // compiler is another object, so that item (an asset's source map) is computed again.
      if (entry !== undefined && entry.etag === etag) {
        entry.usedIn = bundle;
        return entry.data;
      }
      got.push((result, callback) => {
        if (result !== undefined) this.#entries.set(id, { etag, data: result, usedIn: bundle });
        callback();
      });
      return undefined;
    });
    compiler.hooks.done.tap('KeptWebpackCache', () => {
      for (const [id, entry] of this.#entries)
        if (entry.usedIn <= bundle - KEEP_UNUSED_FOR) this.#entries.delete(id);
    });
  }
}
