import { posix } from 'node:path';
import { err, ok, type Result } from '../../shared/result.js';

export type PathKind = 'file' | 'dir';

/**
 * Where the copy of SRC lands, by `docker cp`'s rules: a file onto a missing path or a file is
 * saved under that name, into a directory under its own; a directory onto a missing path
 * becomes it, into a directory goes inside it (its contents only when SRC ends in `/.`).
 */
export interface CopyPlan {
  /** SRC's own name: the top entry of its archive. */
  readonly top: string;
  /** The directory the archive is unpacked in. */
  readonly dir: string;
  /** The name the top entry takes there; undefined: it keeps its own. */
  readonly rename: string | undefined;
  /** Only the source directory's contents are copied (SRC ended in `/.`). */
  readonly contentsOnly: boolean;
}

/** A path with trailing `/` and `/.` taken off (`/` stays itself). */
export function bareSource(path: string): string {
  let bare = path;
  while (bare.length > 1 && (bare.endsWith('/') || bare.endsWith('/.'))) {
    bare = bare.endsWith('/') ? bare.slice(0, -1) : bare.slice(0, -2);
  }
  return bare === '' ? '/' : bare;
}

export function planCopy(
  src: { readonly path: string; readonly kind: PathKind },
  dest: { readonly path: string; readonly kind: PathKind | undefined },
): Result<CopyPlan, string> {
  const top = posix.basename(bareSource(src.path)) || '/';
  const contents = src.path.endsWith('/.') || src.path === '.';
  if (src.kind === 'file' && (src.path.endsWith('/') || contents))
    return err(`${src.path} is not a directory`);
  const destBare = bareSource(dest.path);
  const into = (dir: string, rename: string | undefined, contentsOnly = false) =>
    ok({ top, dir, rename, contentsOnly });
  if (dest.kind === undefined) {
    if (src.kind === 'file' && dest.path.endsWith('/'))
      return err(`directory ${dest.path} does not exist: create it first, or drop the trailing /`);
    return into(posix.dirname(destBare), posix.basename(destBare));
  }
  if (dest.kind === 'dir')
    return contents ? into(destBare, undefined, true) : into(destBare, undefined);
  if (src.kind === 'dir') return err(`cannot copy directory ${src.path} onto file ${dest.path}`);
  return into(posix.dirname(destBare), posix.basename(destBare));
}

/** A POSIX basic regular expression matching `text` literally (`,` is the expression's separator). */
const literalPattern = (text: string) => text.replace(/[\\.*[\]^$,]/g, (c) => `\\${c}`);
const literalReplacement = (text: string) => text.replace(/[\\&,]/g, (c) => `\\${c}`);

/**
 * GNU tar's `--transform` that renames the top entry `from` (and all below it) to `to`; symbolic
 * link targets are left as they are.
 */
export function tarRename(from: string, to: string): string {
  return `--transform=s,^${literalPattern(from)}\\(/\\|$\\),${literalReplacement(to)}\\1,S`;
}
