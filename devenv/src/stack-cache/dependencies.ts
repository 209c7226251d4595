/**
 * What a loaded stack depended on: the files the load read, the variables it looked up, devenv's
 * own model code and the command line. A cached stack is used again only while all of these are
 * as they were; anything else is a miss, and the stack is loaded again.
 */

/** Bumped when what the cache stores changes shape, so older entries are loaded again. */
export const STACK_CACHE_FORMAT = 1;

/**
 * A file as the load found it: `sha256:<hex>` of its text, `missing`, or `unreadable: <why>`.
 * A missing file is a dependency too: creating a `.env` changes the stack.
 */
export type FileState = string;

export interface Dependencies {
  readonly format: number;
  /** Fingerprint of devenv's code that builds the stack (source-fingerprint.ts). */
  readonly sources: string;
  /** The command line and places that decide what is loaded (files, profiles, services, …). */
  readonly key: string;
  /** Absolute path → what was read there. */
  readonly files: Readonly<Record<string, FileState>>;
  /** Variable → its value when the load looked it up; null: it was unset. */
  readonly env: Readonly<Record<string, string | null>>;
}

/**
 * Why `recorded` no longer describes the stack, given `now` (the same files and variables observed
 * again, with today's sources and key); undefined when the cached stack can be used.
 */
export function staleReason(recorded: Dependencies, now: Dependencies): string | undefined {
  if (recorded.format !== now.format) return 'the cache format changed';
  if (recorded.sources !== now.sources) return "devenv's stack code changed";
  if (recorded.key !== now.key) return 'other options';
  for (const [path, before] of Object.entries(recorded.files)) {
    const after = now.files[path];
    if (after === before) continue;
    if (after === 'missing') return `${path} was removed`;
    if (before === 'missing') return `${path} was created`;
    return `${path} changed`;
  }
  for (const [name, before] of Object.entries(recorded.env)) {
    const after = Object.hasOwn(now.env, name) ? (now.env[name] ?? null) : null;
    if (after === before) continue;
    if (after === null) return `${name} was unset`;
    if (before === null) return `${name} was set`;
    return `${name} changed`;
  }
  return undefined;
}
