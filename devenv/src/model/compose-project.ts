import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostic.js';
import { err, ok, type Result } from '../../shared/result.js';
import { applyExtends } from './extends.js';
import { FileLoader, type LoadedFile, type Scope } from './file-loader.js';
import { applyIncludes } from './include.js';
import type { Lookup } from './interpolate.js';
import { mergeTaggedDocuments, type Tagged } from './merge.js';
import type { ReadText } from './normalize.js';

/** One compose file's text and the name to show for it (as the user gave it). */
export interface SourceText {
  readonly file: string;
  readonly text: string;
}

export interface AssembleOptions {
  /** Absolute project directory; `texts[0]`'s directory as the user named it is its display. */
  readonly projectDir: string;
  readonly lookup: Lookup;
  readonly readText: ReadText;
}

/** The project's merged document, and the loader that can position any part of it. */
export interface AssembledProject {
  readonly document: Tagged;
  readonly loader: FileLoader;
}

/**
 * The `-f` files as one document, as compose-go builds it: each file parsed and interpolated,
 * its `include`s loaded and imported, its services' `extends` resolved, then the files merged in
 * order (`!reset` / `!override` clearing what earlier files set). Problems are positioned
 * diagnostics in the file where the offending value was written.
 */
export function assembleProject(
  texts: readonly SourceText[],
  options: AssembleOptions,
): Result<AssembledProject, Diagnostic[]> {
  const loader = new FileLoader(options.readText);
  const displayDir = dirname(texts[0]?.file ?? '.');
  const files = texts.map(({ file, text }) =>
    loader.addText(
      {
        absolute: isAbsolute(file) ? file : resolve(options.projectDir, relative(displayDir, file)),
        display: file,
      },
      text,
      options.lookup,
    ),
  );
  if (loader.diagnostics.length > 0) return err(loader.diagnostics);
  // compose-go refuses a project that is empty as a whole; an empty override among others adds
  // nothing (a fork's customisation seam, only comments until someone fills it).
  if (files.length > 0 && files.every((file) => file?.empty))
    return err(texts.map(({ file }) => emptyFile(file)));
  const scope: Scope = {
    workingDir: options.projectDir,
    displayDir,
    lookup: options.lookup,
    includeChain: [],
  };
  const document = assembleFiles(files as LoadedFile[], scope, loader);
  if (loader.diagnostics.length > 0) return err(loader.diagnostics);
  return ok({ document, loader });
}

function assembleFiles(files: readonly LoadedFile[], scope: Scope, loader: FileLoader): Tagged {
  return mergeTaggedDocuments(
    files.map((file) => {
      const input = { file: file.ref, document: file.document, scope, resets: file.resets };
      const included = applyIncludes(input, loader, (more, inner) =>
        assembleFiles(more, inner, loader),
      );
      const extended = applyExtends({ ...input, document: included }, loader);
      return { ...extended, resets: file.resets };
    }),
  );
}

function emptyFile(file: string): Diagnostic {
  return {
    file,
    line: 0,
    col: 0,
    message: 'the file is empty',
    hint: 'a compose file starts with services:',
  };
}
