import { parseAllDocuments } from 'yaml';
import { parseYamlSource, type YamlSource } from '../config/yaml-source.js';
import type { Diagnostic } from '../diagnostic.js';
import { err, ok, type Result } from '../../shared/result.js';
import { adoptExternalNames, promoteAliases, writtenPath, type Renamed } from './aliases.js';
import { describeInterpolationError, interpolateTree, type Lookup } from './interpolate.js';
import { findResetTags, removeTagged } from './reset-tags.js';
import { isPlainObject, type TreePath } from './tree.js';

/** One compose file as Compose sees it before merging: parsed, interpolated, tags applied. */
export interface ComposeFile {
  readonly source: YamlSource;
  /** The top-level mapping, interpolated, without the values tagged `!reset`. */
  readonly data: Readonly<Record<string, unknown>>;
  /** Paths tagged `!reset` or `!override`: cleared in what this file merges onto. */
  readonly resets: readonly TreePath[];
  /**
   * The text holds no YAML document (nothing, or only comments): it adds nothing, as in
   * compose-go, where only a project that is empty as a whole is an error.
   */
  readonly empty: boolean;
}

/**
 * Parses one compose file's text with positions and interpolates it (Compose interpolates each
 * file before merging, extending or including). Every problem is a positioned diagnostic.
 */
export function readComposeFile(
  text: string,
  file: string,
  lookup: Lookup,
): Result<ComposeFile, Diagnostic[]> {
  const parsed = parseYamlSource(text, file, { mergeKeys: true, stringKeys: true });
  if (!parsed.ok) return err(parsed.error);
  const source = parsed.value;
  if (!isPlainObject(source.data)) {
    const empty = source.data === null || source.data === undefined;
    // A document that is null (`~`, a bare `---`) is not a mapping; no document at all is empty.
    if (empty && parseAllDocuments(text).length === 0)
      return ok({ source, data: {}, resets: [], empty: true });
    return err([
      {
        file,
        line: empty ? 0 : 1,
        col: empty ? 0 : 1,
        message: empty ? 'the file is empty' : 'expected a mapping with services:',
        hint: 'a compose file starts with services:',
      },
    ]);
  }
  const diagnostics: Diagnostic[] = [];
  const tags = findResetTags(text);
  const data = interpolateTree(removeTagged(source.data, tags.removed), lookup, (path, error) =>
    diagnostics.push({
      file,
      ...source.positionOf(path),
      message: describeInterpolationError(error),
      hint:
        error.reason === 'missing-required'
          ? `set ${error.variable} in the environment or in .env`
          : 'write $$ for a literal $, and close every ${ with }',
    }),
  );
  if (diagnostics.length > 0) return err(diagnostics);
  const promoted = promoteAliases(data as Record<string, unknown>);
  const adopted = adoptExternalNames(promoted.data);
  const renamed = [...promoted.renamed, ...adopted.renamed];
  const positioned = renamed.length === 0 ? source : withAliasPositions(source, renamed);
  if (adopted.conflicts.length > 0)
    return err(
      adopted.conflicts.map((conflict) => ({
        file,
        ...positioned.positionOf(conflict.path),
        message: `${conflict.path.slice(0, 2).join('.')}: external.name conflicts with name "${conflict.name}"`,
        hint: 'write the name once, as name:, with external: true (external.name is the old form)',
      })),
    );
  return ok({ source: positioned, data: adopted.data, resets: tags.cleared, empty: false });
}

/** The source positioning a promoted key (`develop`) where it was written (`x-develop`). */
function withAliasPositions(source: YamlSource, renamed: readonly Renamed[]): YamlSource {
  return {
    file: source.file,
    data: source.data,
    positionOf: (path) => source.positionOf(writtenPath(renamed, path as TreePath)),
    keyPositionOf: (path) => source.keyPositionOf(writtenPath(renamed, path as TreePath)),
  };
}
