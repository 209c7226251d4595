import type { LoadRunner } from '../load/load-runner.js';
import type { LogBus } from '../logbus/log-bus.js';
import type { Stack } from '../model/stack.js';
import type { TestRun } from '../reload/related-tests.js';
import type { ReadyAfterSave } from '../reload/ready-after-save.js';
import type { ReloadBlock } from '../reload/reloader.js';
import { err, ok, type Result } from '../../shared/result.js';
import { expandReplicas, isRunStack, rescale } from '../model/replicas.js';
import type { TemporalOverview } from '../temporal/temporal-overview.js';
import type { EngineAction } from './actions.js';
import type { EngineState } from './service-state.js';
import type { Listener } from './store.js';
import type { ServiceSignal, Supervisor } from './supervisor.js';

/** The reload subsystem as the controller sees it (reload/hot-reload.ts). */
export interface ReloadSource {
  block(): ReloadBlock | undefined;
  /** The last service a save restarted, once ready again (absent: not timed). */
  lastReady?(): ReadyAfterSave | undefined;
  tests(): TestRun | undefined;
  acceptBreaking(): void;
  toggleTests(): boolean;
  subscribe(onChange: () => void): () => void;
}

/** The Temporal panel's poller (temporal/temporal-watch.ts). */
export interface TemporalSource {
  latest(): TemporalOverview | undefined;
  subscribe(onChange: () => void): () => void;
}

/** Subsystems that start after the engine; each is optional (`--no-watch`, no Temporal, CI). */
export interface Subsystems {
  readonly reload?: ReloadSource | undefined;
  readonly temporal?: TemporalSource | undefined;
  readonly load?: LoadRunner | undefined;
  readonly openUrl?: ((url: string) => Promise<Result<void, string>>) | undefined;
}

/**
 * The one object the CLI, the TUI, the control socket, /metrics and the reload subsystem talk
 * to: the state (services and panels), what can be asked of the stack, and one subscription.
 * Subsystems keep their own workings; what they report is dispatched into the store as panel
 * actions, so every reader sees one state.
 */
export interface EngineController {
  readonly projectName: string;
  readonly stack: Stack;
  readonly logs: Pick<LogBus, 'tail' | 'search' | 'subscribe' | 'append'>;
  getState(): EngineState;
  /** Starts supervising: services start as soon as their dependencies allow. */
  begin(): void;
  /** Told after state changes, once per burst of actions (store.ts); returns the unsubscribe. */
  subscribe(listener: Listener): () => void;
  restart(service: string): Promise<void>;
  stop(service: string): Promise<void>;
  start(service: string): void;
  /** `devenv kill|pause|unpause` (Supervisor.signal); absent in test doubles of the TUI. */
  readonly signal?: (service: string, request: ServiceSignal) => Promise<Result<void, string>>;
  /**
   * `devenv scale SERVICE=N`: runs N replicas of a declared service; adds the missing ones or
   * stops the highest numbers, the others untouched. Settles once the removed ones are down.
   */
  scale(service: string, count: number): Promise<Result<ScaleChange, string>>;
  /** Stops everything; settles when all is down. */
  quit(): Promise<void>;
  /** Connects the subsystems started after the engine; returns what disconnects them. */
  attach(subsystems: Subsystems): () => void;
  acceptBreaking(): void;
  /** `t`: test-on-save on or off; false without a reload subsystem. */
  toggleTests(): boolean;
  loadProfiles(): readonly string[];
  startLoad(
    profile: string,
  ): { readonly started: true } | { readonly started: false; reason: string };
  stopLoad(): boolean;
  openUrl(url: string): Promise<Result<void, string>>;
}

/** The instances `scale` started and stopped. */
export interface ScaleChange {
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

export function createEngineController(options: {
  readonly projectName: string;
  readonly stack: Stack;
  readonly supervisor: Supervisor;
  readonly bus: LogBus;
}): EngineController {
  const { supervisor } = options;
  const store = supervisor.store;
  let attached: Subsystems = {};
  let current = options.stack;
  return {
    projectName: options.projectName,
    get stack() {
      return current;
    },
    logs: options.bus,
    getState: () => store.getState(),
    begin: () => supervisor.begin(),
    subscribe: (listener) => store.subscribe(listener),
    restart: (name) => supervisor.restart(name),
    stop: (name) => supervisor.stop(name),
    start: (name) => supervisor.start(name),
    signal: (name, request) => supervisor.signal(name, request),
    scale: async (service, count) => {
      const run = isRunStack(current) ? ok(current) : expandReplicas(current);
      const next = run.ok ? rescale(run.value, service, count) : run;
      if (!next.ok) return err(next.error.join('\n'));
      const before = new Set(current.startOrder);
      const added = next.value.startOrder.filter((name) => !before.has(name));
      const removed = current.startOrder.filter((name) => !next.value.services[name]);
      current = next.value;
      await supervisor.rescale(next.value);
      return ok({ added, removed });
    },
    quit: () => supervisor.shutdown(),
    attach: (subsystems) => {
      attached = { ...attached, ...subsystems };
      return reportInto((action) => store.dispatch(action), subsystems);
    },
    acceptBreaking: () => attached.reload?.acceptBreaking(),
    toggleTests: () => attached.reload?.toggleTests() ?? false,
    loadProfiles: () => attached.load?.profiles() ?? [],
    startLoad: (profile) =>
      attached.load?.start(profile) ?? { started: false, reason: 'load runs are off in this mode' },
    stopLoad: () => attached.load?.stop() ?? false,
    openUrl: (url) => attached.openUrl?.(url) ?? Promise.resolve(err('no browser in this mode')),
  };
}

/** Dispatches each subsystem's latest report now and whenever it changes. */
function reportInto(dispatch: (action: EngineAction) => void, subsystems: Subsystems): () => void {
  const { reload, temporal, load } = subsystems;
  const reports: (readonly [{ subscribe(cb: () => void): () => void }, () => EngineAction[]])[] =
    [];
  if (reload)
    reports.push([
      reload,
      () => [
        { type: 'reload/block', block: reload.block() },
        { type: 'reload/ready', ready: reload.lastReady?.() },
        { type: 'tests/run', run: reload.tests() },
      ],
    ]);
  if (temporal)
    reports.push([temporal, () => [{ type: 'temporal/overview', overview: temporal.latest() }]]);
  if (load) reports.push([load, () => [{ type: 'load/status', status: load.status() }]]);
  const unsubscribes = reports.map(([source, actions]) => {
    const report = () => actions().forEach(dispatch);
    report();
    return source.subscribe(report);
  });
  return () => unsubscribes.forEach((unsubscribe) => unsubscribe());
}
