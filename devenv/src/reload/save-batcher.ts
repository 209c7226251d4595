import type { Clock } from '../engine/clock.js';
import {
  decide,
  freshChanges,
  type ActedOn,
  type DebounceSettings,
  type FileSignature,
} from './debounce-policy.js';

export type FileEvent = 'add' | 'change' | 'unlink';

export interface SaveBatcherOptions {
  readonly clock: Clock;
  readonly settings: DebounceSettings;
  /** Each path's file as it is now (a stat each: the I/O the batcher leaves to its owner). */
  inspect(paths: readonly string[]): Promise<ReadonlyMap<string, FileSignature>>;
  onBatch(paths: readonly string[]): void;
}

export interface SaveBatcher {
  /** A file event as the watcher saw it. */
  event(kind: FileEvent, path: string): void;
  /**
   * Something was written under a watched directory (an inotify event as it comes, before
   * chokidar's stat and its one-event-per-50-ms per file): an open burst is not quiet yet.
   */
  activity(): void;
  close(): void;
}

interface Pending {
  readonly kind: FileEvent;
  readonly at: number;
  /** Bumped by each event: a path that changed again while it was inspected stays pending. */
  readonly seq: number;
}

/** Turns file events into one batch per save (see debounce-policy.ts for when a save is over). */
export function createSaveBatcher(options: SaveBatcherOptions): SaveBatcher {
  const { clock, settings } = options;
  const pending = new Map<string, Pending>();
  let acted: ReadonlyMap<string, ActedOn> = new Map();
  let firstAt = 0;
  let lastAt = 0;
  let seq = 0;
  let timer: unknown;
  let checking = false;
  let closed = false;

  const schedule = (at: number) => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = clock.setTimeout(() => void check(), Math.max(0, at - clock.now()));
  };

  const check = async () => {
    timer = undefined;
    checking = true;
    const snapshot = new Map(pending);
    const signatures = await options.inspect([...snapshot.keys()]);
    checking = false;
    if (closed) return;
    const now = clock.now();
    // Truncated and not written yet: the quiet is the editor between its two steps.
    const unfinished = [...snapshot].some(([path, { kind }]) => {
      const signature = signatures.get(path);
      return kind === 'change' && signature?.kind === 'file' && signature.size === 0;
    });
    const decision = decide({ firstAt, lastAt }, now, unfinished, settings);
    if (decision.kind === 'wait') return schedule(decision.until);
    for (const [path, entry] of snapshot)
      if (pending.get(path)?.seq === entry.seq) pending.delete(path);
    const fresh = freshChanges(signatures, acted, now);
    acted = fresh.remember;
    if (fresh.paths.length > 0) options.onBatch(fresh.paths);
    // Events that came in while the files were inspected: the next burst.
    if (pending.size > 0) {
      const times = [...pending.values()].map((entry) => entry.at);
      firstAt = Math.min(...times);
      lastAt = Math.max(...times);
      schedule(Math.min(lastAt + settings.quietMs, firstAt + settings.capMs));
    }
  };

  return {
    event: (kind, path) => {
      if (closed) return;
      const now = clock.now();
      if (pending.size === 0) firstAt = now;
      lastAt = now;
      pending.set(path, { kind, at: now, seq: ++seq });
      if (!checking) schedule(Math.min(lastAt + settings.quietMs, firstAt + settings.capMs));
    },
    activity: () => {
      if (closed || pending.size === 0) return;
      lastAt = clock.now();
      if (!checking) schedule(Math.min(lastAt + settings.quietMs, firstAt + settings.capMs));
    },
    close: () => {
      closed = true;
      if (timer !== undefined) clock.clearTimeout(timer);
    },
  };
}
