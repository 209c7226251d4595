import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { watch } from 'chokidar';

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
  /** Batches are emitted this long after the last change (a save storm becomes one batch); 150 ms. */
  readonly debounceMs?: number;
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

/** One watcher for the whole repository: changes arrive as debounced batches of absolute paths. */
export function watchRepository(options: WatcherOptions): RepoWatcher {
  // Long enough that a save storm on a loaded 2-core machine is still one batch; short next to a restart.
  const debounceMs = options.debounceMs ?? 150;
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const batch = [...pending];
    pending = new Set();
    if (batch.length > 0) options.onBatch(batch);
  };
  const watcher = watch(options.root, {
    ignoreInitial: true,
    ignored: (path) => isIgnored(options.root, path),
  });
  const onChange = (path: string) => {
    pending.add(path);
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, debounceMs);
  };
  watcher.on('add', onChange).on('change', onChange).on('unlink', onChange);
  watcher.on('error', (error) =>
    options.onError(error instanceof Error ? error.message : String(error)),
  );
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    close: async () => {
      if (timer) clearTimeout(timer);
      await watcher.close();
    },
  };
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
