import { createHash } from 'node:crypto';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import { staleReason, STACK_CACHE_FORMAT, type Dependencies } from './dependencies.js';
import { fileStateOf } from './recorder.js';

/** One cached load: what it depended on and what it produced. */
export interface CacheEntry<T> {
  readonly dependencies: Dependencies;
  readonly value: T;
}

export type CacheLookup<T> =
  { readonly hit: true; readonly value: T } | { readonly hit: false; readonly reason: string };

/** `.devenv/cache/stack/<hash of key>.bin`: one entry per command line (files, profiles, …). */
export function cacheFile(cacheDir: string, key: string): string {
  return join(cacheDir, `${createHash('sha256').update(key).digest('hex').slice(0, 24)}.bin`);
}

/**
 * The cached value when every dependency is as recorded. A cache file that is absent, corrupt or
 * unreadable is a miss like any other, never an error.
 */
export function lookUp<T>(
  path: string,
  current: { readonly sources: string; readonly key: string; readonly env: NodeJS.ProcessEnv },
): CacheLookup<T> {
  let entry: CacheEntry<T>;
  try {
    entry = deserialize(readFileSync(path)) as CacheEntry<T>;
  } catch (thrown) {
    const code = (thrown as { code?: unknown } | null)?.code;
    return { hit: false, reason: code === 'ENOENT' ? 'nothing cached' : 'unreadable cache file' };
  }
  const recorded = entry?.dependencies;
  if (!isDependencies(recorded) || entry.value === undefined)
    return { hit: false, reason: 'unreadable cache file' };
  const reason = staleReason(recorded, observe(recorded, current));
  return reason === undefined ? { hit: true, value: entry.value } : { hit: false, reason };
}

/** The recorded files and variables as they are now. */
function observe(
  recorded: Dependencies,
  current: { readonly sources: string; readonly key: string; readonly env: NodeJS.ProcessEnv },
): Dependencies {
  const files: Record<string, string> = {};
  for (const path of Object.keys(recorded.files)) files[path] = currentFileState(path);
  const env: Record<string, string | null> = {};
  for (const name of Object.keys(recorded.env)) env[name] = current.env[name] ?? null;
  return { format: STACK_CACHE_FORMAT, sources: current.sources, key: current.key, files, env };
}

/** The file read as the stack loader reads it (load-stack.ts): ENOENT and ENOTDIR are `missing`. */
export function currentFileState(path: string): string {
  let read: Result<string, string>;
  try {
    read = ok(readFileSync(path, 'utf8'));
  } catch (thrown) {
    const code = (thrown as { code?: unknown } | null)?.code;
    read = err(code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : messageOf(thrown));
  }
  return fileStateOf(read);
}

/** Entries kept: every project and command line in use, not every temporary test project. */
export const MAX_ENTRIES = 100;

/**
 * Written beside and renamed into place, so a concurrent `up` reads the old entry or the new;
 * then the least recently written entries beyond `keep` are removed.
 */
export function store<T>(
  path: string,
  entry: CacheEntry<T>,
  keep = MAX_ENTRIES,
): Result<void, string> {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, serialize(entry));
    renameSync(temporary, path);
    prune(dirname(path), keep);
    return ok(undefined);
  } catch (thrown) {
    return err(messageOf(thrown));
  }
}

function prune(dir: string, keep: number): void {
  const entries = readdirSync(dir)
    .filter((name) => name.endsWith('.bin'))
    .map((name) => {
      const path = join(dir, name);
      return { path, written: statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0 };
    });
  if (entries.length <= keep) return;
  entries.sort((a, b) => b.written - a.written);
  for (const old of entries.slice(keep)) rmSync(old.path, { force: true });
}

function isDependencies(value: unknown): value is Dependencies {
  const d = value as Partial<Dependencies> | null | undefined;
  return (
    typeof d?.format === 'number' &&
    typeof d.sources === 'string' &&
    typeof d.key === 'string' &&
    typeof d.files === 'object' &&
    d.files !== null &&
    typeof d.env === 'object' &&
    d.env !== null
  );
}
