import { readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { watch } from 'chokidar';
import { systemClock } from '../engine/clock.js';
import { EDITOR_SAVES, type DebounceSettings, type FileSignature } from './debounce-policy.js';
import { createSaveBatcher } from './save-batcher.js';

/** Never watched: devenv's state, dependencies, generated code, VCS and caches. */
export const IGNORED_DIRS = [
  '.devenv',
  'node_modules',
  '.git',
  join('protos', 'gen'),
  '__pycache__',
  '.venv',
  'coverage',
  'dist',
];

export interface WatcherOptions {
  readonly root: string;
  /**
   * Paths the stack watches, some perhaps outside `root` (Compose allows `path: ../shared`):
   * those are watched too, each with the same ignore rules under it.
   */
  readonly watched?: readonly string[];
  /** When a burst of events is one batch (debounce-policy.ts); EDITOR_SAVES by default. */
  readonly debounce?: DebounceSettings;
  onBatch(paths: readonly string[]): void;
  onError(message: string): void;
}

export interface RepoWatcher {
  /** Resolves once the initial scan is done and changes are being seen. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export function isIgnored(root: string, path: string): boolean {
  const rel = relative(root, path);
  if (rel.startsWith('..')) return true;
  return IGNORED_DIRS.some(
    (dir) => rel === dir || rel.startsWith(dir + sep) || rel.split(sep).includes(dir),
  );
}

/** `root`, and each of `paths` not under it or under another of them: what to hand the watcher. */
export function watchedRoots(root: string, paths: readonly string[]): string[] {
  const roots = [root];
  const byLength = [...new Set(paths)].sort((a, b) => a.length - b.length);
  for (const path of byLength) if (!roots.some((r) => isWithin(r, path))) roots.push(path);
  return roots;
}

function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Ignored by the rules of the watched root it lies under; outside all of them, ignored. */
export function isIgnoredUnder(roots: readonly string[], path: string): boolean {
  const root = roots.find((r) => isWithin(r, path));
  return root === undefined || isIgnored(root, path);
}

/** One watcher for the whole repository: changes arrive as debounced batches of absolute paths. */
export function watchRepository(options: WatcherOptions): RepoWatcher {
  const batcher = createSaveBatcher({
    clock: systemClock,
    settings: options.debounce ?? EDITOR_SAVES,
    inspect: signatures,
    onBatch: options.onBatch,
  });
  const roots = watchedRoots(options.root, options.watched ?? []);
  const watcher = watch(roots, {
    ignoreInitial: true,
    ignored: (path) => isIgnoredUnder(roots, path),
  });
  watcher
    .on('add', (path) => batcher.event('add', path))
    .on('change', (path) => batcher.event('change', path))
    .on('unlink', (path) => batcher.event('unlink', path))
    .on('raw', () => batcher.activity());
  watcher.on('error', (error) =>
    options.onError(error instanceof Error ? error.message : String(error)),
  );
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    close: async () => {
      batcher.close();
      await watcher.close();
    },
  };
}

/** Each file as it is now: what a batch acted on, and whether a save left it empty for now. */
async function signatures(paths: readonly string[]): Promise<Map<string, FileSignature>> {
  const entries = await Promise.all(
    paths.map(async (path): Promise<[string, FileSignature]> => {
      try {
        const { size, mtimeMs, ino } = await stat(path);
        return [path, { kind: 'file', size, mtimeMs, ino }];
      } catch {
        return [path, { kind: 'gone' }];
      }
    }),
  );
  return new Map(entries);
}

/**
 * Linux gives each user a budget of inotify watches, one per watched directory. When the
 * repository needs most of it, watching silently misses changes: say so before that happens.
 */
export async function inotifyBudgetWarning(root: string): Promise<string | undefined> {
  let limit: number;
  try {
    limit = Number(readFileSync('/proc/sys/fs/inotify/max_user_watches', 'utf8').trim());
  } catch {
    return undefined;
  }
  const dirs = await countDirectories(root, root);
  if (dirs < limit * 0.5) return undefined;
  return (
    `watching ${dirs} directories needs most of the inotify limit (${limit}); ` +
    'raise it: sudo sysctl fs.inotify.max_user_watches=524288 (and add it to /etc/sysctl.conf)'
  );
}

async function countDirectories(root: string, dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  let count = 1;
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !isIgnored(root, path)) count += await countDirectories(root, path);
  }
  return count;
}
