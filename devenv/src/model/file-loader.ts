import { posix } from 'node:path';
import { isScalar, parseAllDocuments } from 'yaml';
import type { YamlSource } from '../config/yaml-source.js';
import type { Diagnostic } from '../diagnostic.js';
import { readComposeFile } from './compose-file.js';
import type { Lookup } from './interpolate.js';
import { locate, mergeTaggedDocuments, type Origin, type Tagged } from './merge.js';
import type { ReadText } from './normalize.js';
import type { TreePath } from './tree.js';

/** A compose file by absolute path, and as messages name it (relative to where the user is). */
export interface FileRef {
  readonly absolute: string;
  readonly display: string;
}

/** A loaded compose file as a tagged document: every value knows its file and position. */
export interface LoadedFile {
  readonly ref: FileRef;
  readonly document: Tagged;
  readonly resets: readonly TreePath[];
  /** No YAML document in it, only comments or nothing (ComposeFile's `empty`). */
  readonly empty: boolean;
}

/**
 * Where relative paths of a (sub-)project resolve: `extends.file`, `include` paths, env files.
 * `displayDir` is the same directory as messages name it.
 */
export interface Scope {
  readonly workingDir: string;
  readonly displayDir: string;
  readonly lookup: Lookup;
  /** The files that include this (sub-)project, outermost first (for include cycles). */
  readonly includeChain: readonly FileRef[];
}

/**
 * Reads, parses and interpolates the compose files that `extends` and `include` name, once per
 * file and environment, and keeps every parsed file so any origin can be turned into
 * `file:line:col`.
 */
export class FileLoader {
  readonly sources: YamlSource[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private readonly cache = new WeakMap<Lookup, Map<string, LoadedFile | undefined>>();

  constructor(readonly readText: ReadText) {}

  /**
   * A file whose text the caller has (the `-f` files); undefined when it has problems. A file of
   * several YAML documents (`---`) is read as compose-go reads it: each document merged onto the
   * ones before, as another -f file would be.
   */
  addText(ref: FileRef, text: string, lookup: Lookup): LoadedFile | undefined {
    const { documents, emptyAt } = documentTexts(text);
    if (emptyAt !== undefined) {
      this.diagnostics.push({
        file: ref.display,
        ...positionAt(text, emptyAt),
        message: 'this YAML document is empty',
        hint: 'remove the --- that starts it, or write the document under it',
      });
      return undefined;
    }
    if (documents.length === 1) return this.addDocument(ref, text, lookup);
    const loaded = documents.map((document) => this.addDocument(ref, document, lookup));
    if (!loaded.every((file) => file !== undefined)) return undefined;
    return {
      ref,
      document: mergeTaggedDocuments(
        loaded.map((file) => ({ ...file.document, resets: file.resets })),
      ),
      resets: loaded.flatMap((file) => file.resets),
      empty: false,
    };
  }

  private addDocument(ref: FileRef, text: string, lookup: Lookup): LoadedFile | undefined {
    const read = readComposeFile(text, ref.display, lookup);
    if (!read.ok) {
      this.diagnostics.push(...read.error);
      return undefined;
    }
    const file = this.sources.push(read.value.source) - 1;
    return {
      ref,
      document: { value: read.value.data, origin: { file, path: [] } },
      resets: read.value.resets,
      empty: read.value.empty,
    };
  }

  /**
   * The file at `ref`, read once per lookup. A file that cannot be read is reported at `from`
   * (the place that names it); undefined then, or when the file itself has problems.
   */
  load(ref: FileRef, lookup: Lookup, from: Tagged, at: TreePath): LoadedFile | undefined {
    let byPath = this.cache.get(lookup);
    if (!byPath) this.cache.set(lookup, (byPath = new Map()));
    if (byPath.has(ref.absolute)) return byPath.get(ref.absolute);
    const text = this.readText(ref.absolute);
    let loaded: LoadedFile | undefined;
    if (text.ok) loaded = this.addText(ref, text.value, lookup);
    else
      this.report(from, at, {
        message:
          text.error === 'missing'
            ? `${ref.display} does not exist`
            : `cannot read ${ref.display}: ${text.error}`,
        hint: 'check the path: it is relative to the directory of the file that names it',
      });
    byPath.set(ref.absolute, loaded);
    return loaded;
  }

  /** A problem at `path` below the tagged value `from`, positioned where it was written. */
  report(
    from: Tagged,
    path: TreePath,
    problem: { message: string; hint?: string; at?: 'key' | 'value' },
  ): void {
    this.diagnostics.push({ ...this.position(from.origin, path, problem.at), ...problem });
  }

  position(
    origin: Origin,
    path: TreePath,
    at: 'key' | 'value' = 'value',
  ): Pick<Diagnostic, 'file' | 'line' | 'col'> {
    const located = locate(origin, path);
    const source = this.sources[located.file];
    if (!source) return { file: 'compose.yaml', line: 0, col: 0 };
    const position =
      at === 'key' ? source.keyPositionOf(located.path) : source.positionOf(located.path);
    return { file: source.file, ...position };
  }
}

/**
 * The text of each YAML document in `text`, each at its own lines and columns (everything else
 * blanked), so positions in a document are positions in the file; a text without a `---` line is
 * one document, without a second parse. Of several documents, one without content (a trailing
 * `---`) is an error, as to compose-go: `emptyAt` is its offset.
 */
function documentTexts(text: string): { documents: string[]; emptyAt?: number } {
  if (!/^---/m.test(text)) return { documents: [text] };
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents) || documents.length <= 1) return { documents: [text] };
  const empty = documents.find(
    ({ contents }) => contents === null || (isScalar(contents) && contents.value === null),
  );
  if (empty) return { documents: [], emptyAt: empty.range[0] };
  return {
    documents: documents.map((document) => {
      const [start, end] = document.contents?.range ?? [0, 0];
      return blankOutside(text, start, end);
    }),
  };
}

/** The 1-based line and column of `offset` in `text`. */
function positionAt(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, col: offset - before.lastIndexOf('\n') };
}

/** `text` with every character outside [start, end) but line breaks turned into spaces. */
function blankOutside(text: string, start: number, end: number): string {
  const blank = (part: string) => part.replace(/[^\n]/g, ' ');
  return blank(text.slice(0, start)) + text.slice(start, end) + blank(text.slice(end));
}

/** `path` as messages show it next to the directory it is relative to. */
export function displayPath(displayDir: string, path: string): string {
  return posix.isAbsolute(path) ? path : posix.normalize(posix.join(displayDir, path));
}

/** A git or OCI source (`git@…`, `https://…`, `oci://…`): remote, which devenv does not fetch. */
export function isRemote(path: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(path) || path.startsWith('git@');
}
