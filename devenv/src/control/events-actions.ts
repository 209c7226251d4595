import { isRunning, type EngineState } from '../engine/service-state.js';
import { ok, type Result } from '../../shared/result.js';
import type { ActProblem, ControlActions } from './control-actions.js';
import type { WatchRequest } from './events-protocol.js';
import { deriveEvents, rememberAfter, type KnownIds, type ServiceEvent } from './events-derive.js';

/**
 * Follows the engine's state for `devenv events`: each step's events (events-derive.ts) for the
 * instances asked about (all when `wanted` is undefined) go to `send`; `end` is called once the
 * stack has stopped (shutdown began and nothing runs any more). Returns the unsubscribe.
 */
export function followEvents(
  store: {
    getState(): EngineState;
    subscribe(listener: (state: EngineState) => void): () => void;
  },
  options: {
    readonly wanted: ReadonlySet<string> | undefined;
    readonly serviceOf: (instance: string) => string;
    readonly send: (event: ServiceEvent) => void;
    readonly end: () => void;
  },
): () => void {
  let before = store.getState();
  let known: KnownIds = new Map();
  const { wanted, serviceOf } = options;
  const stopped = (state: EngineState) =>
    state.shuttingDown && state.order.every((name) => !isRunning(state.services[name]!.phase));
  let unsubscribe = (): void => {};
  // Each instance's service is learnt while it is one of the stack's (serviceOfInstance).
  const learn = (state: EngineState) => state.order.forEach((name) => serviceOf(name));
  learn(before);
  const step = (state: EngineState) => {
    learn(state);
    const events = deriveEvents(before, state, Date.now(), known, serviceOf);
    before = state;
    known = rememberAfter(known, state, events);
    for (const event of events) if (isWanted(wanted, event)) options.send(event);
    if (stopped(state)) {
      unsubscribe();
      options.end();
    }
  };
  if (stopped(before)) {
    options.end();
    return unsubscribe;
  }
  unsubscribe = store.subscribe(step);
  return () => unsubscribe();
}

function isWanted(wanted: ReadonlySet<string> | undefined, event: ServiceEvent): boolean {
  return (
    wanted === undefined ||
    wanted.has(event.service) ||
    wanted.has(event.attributes['name'] ?? event.service)
  );
}

type Send = (event: ServiceEvent) => void;

/**
 * The event streams of one `devenv up`: each follows the engine's state, and `killed` adds the
 * kill events the state cannot show (a signal the process traps changes nothing in it).
 */
export function createEventFeed(
  store: Parameters<typeof followEvents>[0],
  serviceOf: (instance: string) => string,
) {
  const streams = new Set<{ wanted: ReadonlySet<string> | undefined; send: Send }>();
  return {
    follow(wanted: ReadonlySet<string> | undefined, send: Send, end: () => void): () => void {
      const stream = { wanted, send };
      streams.add(stream);
      const unsubscribe = followEvents(store, {
        wanted,
        serviceOf,
        send,
        end: () => {
          streams.delete(stream);
          end();
        },
      });
      return () => {
        streams.delete(stream);
        unsubscribe();
      };
    },
    /** Before the signal goes out, so that the kill reads before the die it may cause. */
    killed(instances: readonly string[], signal: string): void {
      const state = store.getState();
      const time = new Date().toISOString();
      for (const name of instances) {
        const s = state.services[name];
        if (s === undefined || !isRunning(s.phase)) continue;
        const event: ServiceEvent = {
          time,
          type: 'container',
          action: 'kill',
          id: String(s.containerId ?? s.pid ?? ''),
          service: serviceOf(name),
          attributes: { name, runtime: s.runtime ?? 'unknown', signal },
        };
        for (const stream of streams) if (isWanted(stream.wanted, event)) stream.send(event);
      }
    },
  };
}
export type EventFeed = ReturnType<typeof createEventFeed>;

/**
 * A replica (`worker-2`) belongs to its service (`worker`); any other instance is its own. Once
 * known, an instance keeps its service: a replica scaled away is no longer among the service's
 * instances when its last events (die, stop, destroy) are told.
 */
export function serviceOfInstance(
  instancesOf: ((service: string) => readonly string[] | undefined) | undefined,
): (instance: string) => string {
  const known = new Map<string, string>();
  return (instance) => {
    const base = instance.replace(/-\d+$/, '');
    if (base !== instance && instancesOf?.(base)?.includes(instance)) known.set(instance, base);
    return known.get(instance) ?? instance;
  };
}

/**
 * `devenv events` and `devenv stats` of the control socket; `named` finds the instances the
 * names stand for (a replicated service's replicas), or why not.
 */
export function createWatchActions(
  target: {
    readonly projectName: string;
    readonly store: Parameters<typeof followEvents>[0];
    readonly instancesOf?: ((service: string) => readonly string[] | undefined) | undefined;
  },
  named: (names: readonly string[]) => Result<readonly string[], ActProblem>,
): Pick<ControlActions, 'events' | 'stats'> & { readonly feed: EventFeed } {
  const serviceOf = serviceOfInstance(target.instancesOf);
  const feed = createEventFeed(target.store, serviceOf);
  const watched = (request: WatchRequest) =>
    request.services.length === 0 ? ok(target.store.getState().order) : named(request.services);
  return {
    feed,
    events: (request) => {
      const order = watched(request);
      if (!order.ok) return order;
      const wanted =
        request.services.length === 0 ? undefined : new Set([...request.services, ...order.value]);
      return ok({ follow: (send, end) => feed.follow(wanted, send, end) });
    },
    stats: async (request) => {
      const order = watched(request);
      if (!order.ok) return order;
      const state = target.store.getState();
      // Loaded at the first `devenv stats`: most `up`s are never asked.
      const { sampleStats } = await import('./stats-actions.js');
      return ok(await sampleStats(state, order.value, target.projectName, serviceOf));
    },
  };
}
