import { stat } from 'node:fs/promises';
import type { EngineState } from '../engine/service-state.js';

/** A service restarted for a save, and how long after the save it was ready again. */
export interface ReadyAfterSave {
  readonly service: string;
  readonly savedAt: number;
  readonly readyAt: number;
  /** Its probe's answer when it became ready (e.g. the new worker's pollers). */
  readonly detail: string;
}

/**
 * When the batch's files were saved: the newest modification time among them (the save that made
 * the code the restart runs), else now (a batch of deletions only).
 */
export async function savedAtOf(paths: readonly string[], now = Date.now()): Promise<number> {
  const times = await Promise.all(
    paths.map((path) =>
      stat(path).then(
        (s) => s.mtimeMs,
        () => undefined,
      ),
    ),
  );
  const known = times.filter((time) => time !== undefined);
  return known.length > 0 ? Math.min(Math.max(...known), now) : now;
}

/**
 * The service's run that started after the save, once ready: its probe passed (for a Temporal
 * worker with the temporal_worker probe, the new process polls). Undefined until then.
 */
export function readyAfterSave(
  state: EngineState,
  service: string,
  savedAt: number,
): ReadyAfterSave | undefined {
  const s = state.services[service];
  if (
    s === undefined ||
    s.phase !== 'healthy' ||
    s.startedAt === undefined ||
    s.readyAt === undefined ||
    s.startedAt < savedAt
  )
    return undefined;
  return { service, savedAt, readyAt: s.readyAt, detail: s.lastProbe?.detail ?? '' };
}

/** `worker ready 6.8 s after the save (workflow and activity pollers on hello-world (…))` */
export function describeReadyAfterSave(ready: ReadyAfterSave): string {
  const seconds = ((ready.readyAt - ready.savedAt) / 1000).toFixed(1);
  return `${ready.service} ready ${seconds} s after the save${ready.detail ? ` (${ready.detail})` : ''}`;
}
