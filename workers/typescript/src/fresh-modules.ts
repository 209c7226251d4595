import { statSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ModuleVersions } from './module-versions.js';

const VERSION_PARAM = 'devenv-hot';

/** Files of ours are tracked and versioned; packages are always shared. */
function isOurs(url: string): boolean {
  return url.startsWith('file:') && !url.includes('/node_modules/');
}

function withoutQuery(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function versioned(url: string, version: number): string {
  return `${url}?${VERSION_PARAM}=${version}`;
}

function isVersioned(url: string): boolean {
  return url.includes(`?${VERSION_PARAM}=`);
}

/** A change seen by stat: modification time and size, or missing. */
function fingerprint(url: string): string {
  try {
    const stats = statSync(fileURLToPath(url));
    return `${stats.mtimeMs}:${stats.size}`;
  } catch {
    return 'missing';
  }
}

/**
 * Imports a module as its files are now, evaluating again only the files of ours that changed
 * since the last load and the files that import them (module-versions.ts); the other modules,
 * and everything under node_modules, are shared with the previous load.
 */
export class FreshModuleLoader {
  readonly #root: string;
  readonly #versions = new ModuleVersions();
  readonly #fingerprints = new Map<string, string>();
  #loading: Promise<unknown> = Promise.resolve();

  constructor(root: string) {
    this.#root = root;
    // In-thread hooks run before tsx's: tsx still resolves `./x.js` to x.ts and compiles it.
    registerHooks({
      resolve: (specifier, context, nextResolve) => {
        const resolved = nextResolve(specifier, context);
        const parent = context.parentURL;
        // Only imports made by a versioned module of ours: the rest of the process is untouched.
        if (!parent || !isVersioned(parent))
          return isVersioned(specifier) ? { ...resolved, url: specifier } : resolved;
        if (!isOurs(resolved.url)) return resolved;
        const file = withoutQuery(resolved.url);
        if (!this.#fingerprints.has(file)) this.#fingerprints.set(file, fingerprint(file));
        return {
          ...resolved,
          url: versioned(file, this.#versions.imported(withoutQuery(parent), file)),
        };
      },
    });
  }

  /** One load at a time: the priming load and a swap may overlap. */
  load(): Promise<unknown> {
    const next = this.#loading.then(() => this.#loadOnce());
    this.#loading = next.catch(() => undefined);
    return next;
  }

  async #loadOnce(): Promise<unknown> {
    this.#versions.begin(this.#changedFiles());
    const root = this.#root;
    if (!this.#fingerprints.has(root)) this.#fingerprints.set(root, fingerprint(root));
    try {
      const module: unknown = await import(versioned(root, this.#versions.versionOf(root)));
      this.#versions.succeeded();
      return module;
    } catch (error) {
      this.#versions.failed();
      throw error;
    }
  }

  /** Tracked files whose fingerprint moved since the last load; their new one is recorded. */
  #changedFiles(): string[] {
    const changed: string[] = [];
    for (const [file, before] of this.#fingerprints) {
      const now = fingerprint(file);
      if (now === before) continue;
      this.#fingerprints.set(file, now);
      changed.push(file);
    }
    return changed;
  }
}
