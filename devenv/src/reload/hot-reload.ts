import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineController } from '../engine/engine-controller.js';
import type { LogBus } from '../logbus/log-bus.js';
import type { Stack } from '../model/stack.js';
import { planReload } from './plan.js';
import {
  describeReadyAfterSave,
  readyAfterSave,
  savedAtOf,
  type ReadyAfterSave,
} from './ready-after-save.js';
import type { TestRun } from './related-tests.js';
import { startReloadGuards } from './reload-guards.js';
import { createTestOnSave } from './test-on-save.js';
import { requestHotSwap } from './hot-swap.js';
import { createReloader, type ProtoSteps, type ReloadBlock } from './reloader.js';
import { inotifyBudgetWarning, watchRepository } from './watcher.js';
import type { Toolchain } from '../toolchain/toolchain.js';
import type { Versions } from '../versions/versions-file.js';

/** A swap imports code and starts a Worker: seconds at worst; longer means something is stuck. */
const HOT_SWAP_TIMEOUT_MS = 30_000;

export interface HotReload {
  block(): ReloadBlock | undefined;
  /** The last service restarted for a save, once ready, with the time from the save. */
  lastReady(): ReadyAfterSave | undefined;
  acceptBreaking(): void;
  /** Test-on-save: the latest run while it is on, undefined while it is off. */
  tests(): TestRun | undefined;
  /** Turns test-on-save on or off; returns whether it is now on. */
  toggleTests(): boolean;
  /** Told when the block or the tests change. */
  subscribe(onChange: () => void): () => void;
  close(): Promise<void>;
}

/** What the reload subsystem needs of the engine (engine-controller.ts). */
export type ReloadEngine = Pick<EngineController, 'getState' | 'subscribe' | 'restart'> & {
  /** The stack as run now: replicas that `devenv scale` added are reloaded too. */
  readonly stack?: Stack;
};

/** Watches the repository and turns each batch of changes into one reload (see reload/). */
export function startHotReload(options: {
  readonly root: string;
  readonly stack: Stack;
  readonly engine: ReloadEngine;
  readonly bus: LogBus;
  readonly versions: Versions;
  readonly toolchain: Toolchain;
}): HotReload {
  const { root, stack, engine, bus } = options;
  const current = () => engine.stack ?? stack;
  const note = (text: string) => bus.append('devenv', 'devenv', text);
  let block: ReloadBlock | undefined;
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of listeners) listener();
  };
  const tests = createTestOnSave({ root, changed, note });
  const guards = startReloadGuards(stack, engine);
  const reloader = createReloader({
    proto: protoSteps(root, options),
    restart: (name) => engine.restart(name),
    hotSwap: async (name, paths) => {
      const url = current().services[name]?.devenv.hotReload?.url;
      return url
        ? requestHotSwap(url, paths, HOT_SWAP_TIMEOUT_MS)
        : { kind: 'restart-instead', detail: 'no x-devenv.hot_reload' };
    },
    guard: (name) => guards.check(name),
    getState: () => engine.getState(),
    note,
    onBlock: (next) => {
      block = next;
      changed();
    },
  });
  let lastReady: ReadyAfterSave | undefined;
  const readiness = timeReadiness(engine, (ready) => {
    lastReady = ready;
    note(describeReadyAfterSave(ready));
    changed();
  });
  const watcher = watchForReloads(root, current, reloader, tests, note, readiness.saved);
  void inotifyBudgetWarning(root).then((warning) => warning && note(warning));
  return {
    block: () => block,
    lastReady: () => lastReady,
    acceptBreaking: () => reloader.acceptBreaking(),
    tests: () => tests.current(),
    toggleTests: () => tests.toggle(),
    subscribe: (onChange) => {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    close: async () => {
      guards.close();
      readiness.close();
      await watcher.close();
    },
  };
}

function protoSteps(
  root: string,
  options: { readonly versions: Versions; readonly toolchain: Toolchain },
): ProtoSteps {
  const protoOptions = {
    projectRoot: root,
    versions: options.versions,
    toolchain: options.toolchain,
  };
  // Imported at the first save of a .proto: the generator's stamp schema (zod) would otherwise be
  // resident in every `up` that watches.
  const checks = () => import('../proto/checks.js');
  return {
    lint: async () => (await checks()).lintProtos(protoOptions),
    breaking: async () => (await checks()).breakingProtos(protoOptions),
    generate: async () => (await import('../proto/generate.js')).generateProtos(protoOptions),
  };
}

/** Each batch of saved files: one reload plan (protos only when the project has buf), and tests. */
function watchForReloads(
  root: string,
  stack: () => Stack,
  reloader: { apply(plan: ReturnType<typeof planReload>): Promise<void> },
  tests: { saved(paths: readonly string[]): void },
  note: (text: string) => void,
  saved: (services: readonly string[], paths: readonly string[]) => void,
) {
  const hasProtos = existsSync(join(root, 'protos', 'buf.yaml'));
  return watchRepository({
    root,
    watched: Object.values(stack().services).flatMap((spec) => spec.watch.map((rule) => rule.path)),
    onBatch: (paths) => {
      const plan = planReload(paths, stack());
      const relevant = { ...plan, protos: hasProtos ? plan.protos : [] };
      if (relevant.protos.length + relevant.restart.length + relevant.hotReload.length > 0) {
        saved([...relevant.restart, ...relevant.hotReload], paths);
        void reloader.apply(relevant);
      }
      tests.saved(paths);
    },
    onError: (message) => note(`file watcher: ${message}`),
  });
}

/**
 * Times each service a save restarts, from the save to its new run being ready (its probe: for
 * a Temporal worker, the new process polls). A service swapped in place never restarts, so it
 * stays timed until its next save replaces the wait.
 */
function timeReadiness(engine: ReloadEngine, report: (ready: ReadyAfterSave) => void) {
  const waiting = new Map<string, number>();
  const check = () => {
    const state = engine.getState();
    for (const [service, savedAt] of waiting) {
      const ready = readyAfterSave(state, service, savedAt);
      if (!ready) continue;
      waiting.delete(service);
      report(ready);
    }
  };
  const unsubscribe = engine.subscribe(check);
  return {
    saved: (services: readonly string[], paths: readonly string[]) => {
      const seen = Date.now();
      void savedAtOf(paths, seen).then((savedAt) => {
        for (const service of services) waiting.set(service, savedAt);
        check();
      });
    },
    close: unsubscribe,
  };
}
