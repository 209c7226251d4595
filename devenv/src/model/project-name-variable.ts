import { isAlias, isMap, isScalar, parseAllDocuments, type Document } from 'yaml';
import { interpolate, type Lookup } from './interpolate.js';

const VARIABLE = 'COMPOSE_PROJECT_NAME';

/**
 * The lookup interpolation uses, with COMPOSE_PROJECT_NAME set to the project's name as compose-go
 * sets it (so `container_name: ${COMPOSE_PROJECT_NAME}-web` works without the variable in the
 * environment). The name may come from the files' own `name:`, which compose-go reads in a pass of
 * its own before loading; so does this, only for files that use the variable.
 */
export function withProjectNameVariable(
  lookup: Lookup,
  texts: readonly { readonly text: string }[],
  chooseName: (fromFiles: string | undefined) => string,
): Lookup {
  if (!texts.some(({ text }) => text.includes(VARIABLE))) return lookup;
  const name = chooseName(nameFromFiles(texts, lookup));
  return (variable) => (variable === VARIABLE ? name : lookup(variable));
}

/** The last `name:` the files set, interpolated; a file that does not parse is left to the loader. */
function nameFromFiles(
  texts: readonly { readonly text: string }[],
  lookup: Lookup,
): string | undefined {
  let name: string | undefined;
  for (const { text } of texts)
    for (const document of parseAllDocuments(text)) {
      if (!('errors' in document) || document.errors.length > 0) break;
      const written = writtenName(document);
      if (typeof written !== 'string') continue;
      const interpolated = interpolate(written, lookup);
      if (interpolated.ok && interpolated.value !== '') name = interpolated.value;
    }
  return name;
}

/**
 * The top-level `name:` as written, read without turning the whole document into data: that
 * expands every alias, and the yaml package's guard against alias bombs refuses files that use
 * an anchor a hundred times (the loader's own parse allows them).
 */
function writtenName(document: Document): unknown {
  const top = document.contents;
  if (!isMap(top)) return undefined;
  const value: unknown = top.get('name', true);
  const node = isAlias(value) ? value.resolve(document) : value;
  return isScalar(node) ? node.value : undefined;
}
