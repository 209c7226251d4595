import { isAbsolute, join, posix, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostic.js';
import { parseDotenv } from './dotenv.js';
import type { NormalizeContext } from './normalize.js';
import type { Problem } from './problem.js';
import { isPlainObject, setOwn, type TreePath } from './tree.js';

/**
 * A service's `label_file`s, read as compose-go reads them when it loads the project (dotenv
 * syntax): one that is missing or malformed fails the load. devenv does not apply labels yet
 * (docs/compose-keys.md), but a file Compose refuses must not load here either.
 */
export function readLabelFiles(
  labelFile: unknown,
  path: TreePath,
  ctx: NormalizeContext,
): { labels: Record<string, string>; problems: Problem[]; diagnostics: Diagnostic[] } {
  const labels: Record<string, string> = {};
  const problems: Problem[] = [];
  const diagnostics: Diagnostic[] = [];
  const entries =
    typeof labelFile === 'string' ? [labelFile] : Array.isArray(labelFile) ? labelFile : [];
  entries.forEach((file: unknown, i) => {
    if (typeof file !== 'string') return;
    const at = typeof labelFile === 'string' ? path : [...path, i];
    const absolute = resolve(ctx.projectDir, file);
    const text = ctx.readText(absolute);
    if (!text.ok) {
      problems.push({
        path: at,
        message:
          text.error === 'missing'
            ? `label file ${file} does not exist (looked for ${absolute})`
            : `cannot read label file ${file}: ${text.error}`,
        hint: 'create the file, or fix the path (relative to the project directory)',
      });
      return;
    }
    const display = isAbsolute(file) ? file : posix.normalize(join(ctx.displayDir, file));
    const parsed = parseDotenv(text.value, display, ctx.lookup);
    if (!parsed.ok) diagnostics.push(...parsed.error);
    else for (const [key, value] of Object.entries(parsed.value)) setOwn(labels, key, value);
  });
  return { labels, problems, diagnostics };
}

/**
 * A service's labels as compose-go resolves them: its label files, then `labels` (a mapping, or
 * a list of `KEY=value`) over them.
 */
export function resolvedLabels(
  fromFiles: Readonly<Record<string, string>>,
  written: unknown,
): Record<string, string> {
  const labels: Record<string, string> = { ...fromFiles };
  if (Array.isArray(written))
    for (const item of written) {
      const text = String(item);
      const eq = text.indexOf('=');
      setOwn(labels, eq < 0 ? text : text.slice(0, eq), eq < 0 ? '' : text.slice(eq + 1));
    }
  else if (isPlainObject(written))
    for (const [key, value] of Object.entries(written))
      setOwn(labels, key, value === null || value === undefined ? '' : String(value));
  return labels;
}
