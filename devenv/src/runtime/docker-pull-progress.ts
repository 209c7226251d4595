/**
 * The Engine's pull progress (one JSON event per layer step, many per second) folded into the
 * few lines a service's log shows: a line when a layer is done, the digest and the outcome.
 */

/** One event of the Engine's `POST /images/create` stream, as much of it as devenv reads. */
export interface PullEvent {
  readonly status?: string;
  readonly id?: string;
  readonly error?: string;
  readonly errorDetail?: { readonly message?: string };
}

export interface PullProgress {
  /** Layer id → done (pulled or already here). */
  readonly layers: ReadonlyMap<string, boolean>;
  readonly reused: number;
  /** The Engine's error, when the stream reported one. */
  readonly error?: string;
}

export const NO_PROGRESS: PullProgress = { layers: new Map(), reused: 0 };

const LAYER_SEEN = new Set(['Pulling fs layer', 'Waiting']);
const LAYER_DONE = new Set(['Pull complete', 'Already exists']);

/** The progress after `event`, and the line to log for it (undefined: nothing worth a line). */
export function foldPullEvent(
  image: string,
  progress: PullProgress,
  event: PullEvent,
): { progress: PullProgress; line?: string } {
  const error = event.errorDetail?.message ?? event.error;
  if (error !== undefined)
    return { progress: { ...progress, error }, line: `pull ${image}: ${error}` };
  const { status, id } = event;
  if (status === undefined) return { progress };
  if (id !== undefined && (LAYER_SEEN.has(status) || LAYER_DONE.has(status))) {
    if (progress.layers.get(id) === true) return { progress };
    const layers = new Map(progress.layers).set(id, LAYER_DONE.has(status));
    const reused = progress.reused + (status === 'Already exists' ? 1 : 0);
    const next = { ...progress, layers, reused };
    if (!LAYER_DONE.has(status)) return { progress: next };
    return { progress: next, line: `pull ${image}: ${layerCount(next)}` };
  }
  // `Digest: sha256:…` and `Status: Downloaded newer image for …` / `Image is up to date for …`.
  if (status.startsWith('Digest:') || status.startsWith('Status:'))
    return { progress, line: `pull ${image}: ${status}` };
  return { progress };
}

/** `3/5 layers (1 already here)`. */
export function layerCount(progress: PullProgress): string {
  const done = [...progress.layers.values()].filter(Boolean).length;
  const reused = progress.reused > 0 ? ` (${progress.reused} already here)` : '';
  return `${done}/${progress.layers.size} layers${reused}`;
}
