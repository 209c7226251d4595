import { constants } from 'node:os';
import { isRunning, type EngineState, type ServiceState } from '../engine/service-state.js';

/**
 * One event of `devenv events`, in the shape of `docker compose events --json`:
 * {time, type, action, id, service, attributes}. `type` is always "container", as Compose
 * prints it, so a script written for Compose reads devenv's events unchanged.
 */
export interface ServiceEvent {
  /** ISO 8601, UTC, to the millisecond. */
  readonly time: string;
  readonly type: 'container';
  /** create, start, restart, die, kill, stop, pause, unpause, destroy, reload, health_status: … */
  readonly action: string;
  /**
   * The run's identity: a container's id; for a native service the pid of its process (the
   * leader of its process group: what `devenv ps` and `devenv top` show and `devenv kill`
   * signals). A new run has a new id, as a recreated container has.
   */
  readonly id: string;
  /** The Compose service; a replica (`worker-2`) names its service (`worker`). */
  readonly service: string;
  /** name (the instance), runtime; exitCode on die, signal on kill. */
  readonly attributes: Readonly<Record<string, string>>;
}

/** What earlier steps left to know of an instance whose run is gone. */
export interface Remembered {
  /** Its last run's id, for events after its pid or container left the state (a stop after its die). */
  readonly id: string;
  /**
   * Stopped or killed to stay down (`devenv stop|kill`): its next run is a start, not a
   * restart. The state forgets it when the start is asked for, a step before the run.
   */
  readonly heldDown: boolean;
}
export type KnownIds = ReadonlyMap<string, Remembered>;

/**
 * Pure: the events between two engine states, in the order Docker reports them (die before
 * stop, create before start before restart). The store tells its subscribers once per burst of
 * actions, so a step may hold several changes; each is read from what changed, not from the
 * phase alone. `serviceOf` names an instance's service (a replica's). `known` fills the id of a
 * run whose pid or container is no longer in either state.
 */
export function deriveEvents(
  before: EngineState,
  after: EngineState,
  at: number,
  known: KnownIds = new Map(),
  serviceOf: (instance: string) => string = (name) => name,
): ServiceEvent[] {
  const time = new Date(at).toISOString();
  const events: ServiceEvent[] = [];
  const gone = before.order.filter((name) => !Object.hasOwn(after.services, name));
  for (const name of [...after.order, ...gone]) {
    const was = Object.hasOwn(before.services, name) ? before.services[name] : undefined;
    const now = Object.hasOwn(after.services, name) ? after.services[name] : undefined;
    const oldId = liveId(was) ?? known.get(name)?.id ?? '';
    const newId = liveId(now) ?? oldId;
    const event = (action: string, extra: Record<string, string> = {}): ServiceEvent => ({
      time,
      type: 'container',
      action,
      // The end of a run names the run that ended, though a new one started in the same step.
      id: action === 'die' || action === 'stop' || action === 'destroy' ? oldId : newId,
      service: serviceOf(name),
      attributes: { name, runtime: (now ?? was)?.runtime ?? 'unknown', ...extra },
    });
    const heldDown = (was?.userStopped ?? false) || (known.get(name)?.heldDown ?? false);
    for (const [action, extra] of changesOf(was, now, heldDown)) events.push(event(action, extra));
  }
  const reload = after.panels.reloadReady;
  if (reload !== undefined && reload !== before.panels.reloadReady) {
    const s = after.services[reload.service];
    events.push({
      time,
      type: 'container',
      action: 'reload',
      id: liveId(s) ?? known.get(reload.service)?.id ?? '',
      service: serviceOf(reload.service),
      attributes: {
        name: reload.service,
        runtime: s?.runtime ?? 'unknown',
        readyMs: String(Math.max(0, reload.readyAt - reload.savedAt)),
      },
    });
  }
  return events;
}

type Change = readonly [action: string, attributes?: Record<string, string>];

/** What happened to one instance between two of its states. */
function changesOf(
  was: ServiceState | undefined,
  now: ServiceState | undefined,
  heldDown: boolean,
): Change[] {
  if (now === undefined) return was === undefined ? [] : [['destroy']];
  const changes: Change[] = [];
  const newRun = now.startedAt !== undefined && now.startedAt !== was?.startedAt;
  const ranBefore = was !== undefined && (isRunning(was.phase) || newRun);
  const exit = now.lastExit;
  if (exit !== undefined && exit !== was?.lastExit && ranBefore)
    changes.push(['die', dieAttributes(exit.code, exit.signal)]);
  if (now.phase === 'stopped' && was !== undefined && was.phase !== 'stopped')
    changes.push(['stop']);
  if (newRun) {
    if (was?.startedAt === undefined) changes.push(['create']);
    changes.push(['start']);
    // Begun again by devenv (`devenv restart`, the restart policy, a save), as docker restart.
    if (was?.startedAt !== undefined && !heldDown) changes.push(['restart']);
  }
  if (now.paused !== (was?.paused ?? false)) changes.push([now.paused ? 'pause' : 'unpause']);
  const health = now.phase === 'healthy' || now.phase === 'unhealthy' ? now.phase : undefined;
  if (health !== undefined && (newRun || was?.phase !== health))
    changes.push([`health_status: ${health}`]);
  return changes;
}

function dieAttributes(code: number | null, signal: string | null): Record<string, string> {
  return {
    exitCode: String(exitStatus(code, signal)),
    ...(signal === null ? {} : { signal }),
  };
}

/** As a container reports an exit: its code, or 128 + the number of the signal that ended it. */
export function exitStatus(code: number | null, signal: string | null): number {
  if (code !== null) return code;
  const signals = constants.signals as Readonly<Record<string, number>>;
  const number = signal === null ? undefined : signals[signal];
  return number === undefined ? 1 : 128 + number;
}

function liveId(s: ServiceState | undefined): string | undefined {
  const live = s?.containerId ?? s?.pid;
  return live === undefined ? undefined : String(live);
}

/** Pure: what the next step needs to know of each instance, after `after` and its events. */
export function rememberAfter(
  known: KnownIds,
  after: EngineState,
  events: readonly ServiceEvent[],
): KnownIds {
  const next = new Map<string, Remembered>();
  for (const name of after.order) {
    const s = after.services[name]!;
    const mine = events.filter((e) => e.attributes['name'] === name);
    const id = mine.findLast((e) => e.id !== '')?.id ?? known.get(name)?.id ?? '';
    const started = mine.some((e) => e.action === 'start');
    next.set(name, {
      id,
      heldDown: s.userStopped || (!started && (known.get(name)?.heldDown ?? false)),
    });
  }
  return next;
}
