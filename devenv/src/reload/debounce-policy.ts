/**
 * When a burst of file events is one save, pure: the watcher acts once the events go quiet for a
 * short window, waits longer (up to a cap) while the save looks half done, and drops the late
 * echo of a write it already acted on.
 */

export interface DebounceSettings {
  /** The burst is over once no event came for this long. */
  readonly quietMs: number;
  /** However the events keep coming, the burst is acted on this long after its first event. */
  readonly capMs: number;
}

/**
 * Measured on real saves (chokidar on Linux): one save's events (truncate + write, temp file +
 * rename, vim's and JetBrains' backup dance) reach the watcher within ~10 ms of each other, a
 * `git checkout` of many files within a few ms per file; 20 ms holds them with room for a busy
 * machine. The cap bounds a save that writes in steps or a tool that keeps writing.
 */
export const EDITOR_SAVES: DebounceSettings = { quietMs: 20, capMs: 300 };

export interface Burst {
  /** When its first event arrived. */
  readonly firstAt: number;
  /** When its latest event arrived. */
  readonly lastAt: number;
}

export type DebounceDecision =
  { readonly kind: 'act' } | { readonly kind: 'wait'; readonly until: number };

/**
 * What to do at `now` about a burst. `unfinished`: a file of it is empty right now (truncated,
 * its new content not written yet), so a quiet moment is not yet the end of the save.
 */
export function decide(
  burst: Burst,
  now: number,
  unfinished: boolean,
  settings: DebounceSettings,
): DebounceDecision {
  const capAt = burst.firstAt + settings.capMs;
  if (now >= capAt) return { kind: 'act' };
  const quietAt = burst.lastAt + settings.quietMs;
  if (now < quietAt) return { kind: 'wait', until: Math.min(quietAt, capAt) };
  if (unfinished) return { kind: 'wait', until: Math.min(now + settings.quietMs, capAt) };
  return { kind: 'act' };
}

/** What a file looked like when a batch was acted on; `gone` once it was deleted. */
export type FileSignature =
  | { readonly kind: 'file'; readonly size: number; readonly mtimeMs: number; readonly ino: number }
  | { readonly kind: 'gone' };

export function sameSignature(a: FileSignature, b: FileSignature): boolean {
  if (a.kind === 'gone' || b.kind === 'gone') return a.kind === b.kind;
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

/** A file a batch was acted on with, and when. */
export interface ActedOn {
  readonly signature: FileSignature;
  readonly at: number;
}

/**
 * An event that arrives after its batch was acted on, for a file that has not changed since
 * (chokidar repeats a file's last change up to 50 ms after its first one), asks for nothing new:
 * the restart already read that content. Returns the paths still worth acting on and what to
 * remember for the next batch (entries older than `keepMs` are forgotten).
 */
export function freshChanges(
  batch: ReadonlyMap<string, FileSignature>,
  previous: ReadonlyMap<string, ActedOn>,
  now: number,
  keepMs = 1_000,
): { readonly paths: readonly string[]; readonly remember: ReadonlyMap<string, ActedOn> } {
  const paths: string[] = [];
  const remember = new Map<string, ActedOn>();
  for (const [path, acted] of previous)
    if (now - acted.at <= keepMs && !batch.has(path)) remember.set(path, acted);
  for (const [path, signature] of batch) {
    const before = previous.get(path);
    const repeat =
      before !== undefined &&
      now - before.at <= keepMs &&
      sameSignature(before.signature, signature);
    if (!repeat) paths.push(path);
    remember.set(path, repeat ? before : { signature, at: now });
  }
  return { paths, remember };
}
