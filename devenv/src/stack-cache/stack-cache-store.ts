import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

/** Written beside and renamed into place, so a concurrent `up` reads the old entry or the new. */
export function store<T>(path: string, entry: CacheEntry<T>): Result<void, string> {
  try {
    mkdirSync(join(path, '..'), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, serialize(entry));
    renameSync(temporary, path);
    return ok(undefined);
  } catch (thrown) {
    return err(messageOf(thrown));
  }
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
