/**
 * Pure. Which version of each of our module files a reload imports. A file keeps its version (its
 * module instance is reused) until it, or a file it imports directly or transitively, changes;
 * then it gets the reload's number, a new URL, and is evaluated again. Files seen for the first
 * time also get the reload's number: the copy loaded at start may predate an edit.
 */
export class ModuleVersions {
  /** file URL → the files that import it. */
  readonly #importers = new Map<string, Set<string>>();
  readonly #versions = new Map<string, number>();
  /** Files of a reload that failed: evaluated again next time, whatever changed. */
  #pending = new Set<string>();
  #current = 0;

  /** The version a reload in progress gives to the files it has to evaluate. */
  get current(): number {
    return this.#current;
  }

  /** Starts reload `current + 1`: the changed files and all their importers get its number. */
  begin(changed: Iterable<string>): number {
    this.#current += 1;
    const stale = this.importersOf([...changed, ...this.#pending]);
    for (const file of stale) if (this.#versions.has(file)) this.#versions.set(file, this.#current);
    this.#pending = stale;
    return this.#current;
  }

  /** The reload loaded: its files count as evaluated. */
  succeeded(): void {
    this.#pending = new Set();
  }

  /** The reload failed: whatever it evaluated (or failed to) is evaluated again next time. */
  failed(): void {
    for (const [file, version] of this.#versions)
      if (version === this.#current) this.#pending.add(file);
  }

  /** `child` is imported by `parent`; returns the version to import `child` at. */
  imported(parent: string, child: string): number {
    let importers = this.#importers.get(child);
    if (!importers) this.#importers.set(child, (importers = new Set()));
    importers.add(parent);
    return this.versionOf(child);
  }

  versionOf(file: string): number {
    let version = this.#versions.get(file);
    if (version === undefined) this.#versions.set(file, (version = this.#current));
    return version;
  }

  files(): IterableIterator<string> {
    return this.#versions.keys();
  }

  /** The files and every file that imports one of them, directly or not. */
  importersOf(files: Iterable<string>): Set<string> {
    const found = new Set<string>();
    const queue = [...files];
    for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
      if (found.has(file)) continue;
      found.add(file);
      for (const importer of this.#importers.get(file) ?? []) queue.push(importer);
    }
    return found;
  }
}
