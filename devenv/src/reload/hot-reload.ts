import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Supervisor } from '../engine/supervisor.js';
import type { LogBus } from '../logbus/log-bus.js';
import type { ServiceSpec, Stack } from '../model/stack.js';
import { describeOutcome, runCommand } from '../process/run-command.js';
import { err, ok, type Result } from '../result.js';
import { breakingProtos, lintProtos } from '../proto/checks.js';
import { generateProtos } from '../proto/generate.js';
import { planReload } from '../reload/plan.js';
import { runRelatedTests, type TestRun } from '../reload/related-tests.js';
import { startGuardServer, type GuardServer } from '../reload/guard-server.js';
import { requestHotSwap } from '../reload/hot-swap.js';
import { createReloader, type ReloadBlock } from '../reload/reloader.js';
import { inotifyBudgetWarning, watchRepository } from '../reload/watcher.js';
import type { Toolchain } from '../toolchain/toolchain.js';
import type { Versions } from '../versions/versions-file.js';

const GUARD_TIMEOUT_MS = 120_000;
/** A swap imports code and starts a Worker: seconds at worst; longer means something is stuck. */
const HOT_SWAP_TIMEOUT_MS = 30_000;

/** The environment a service's guard runs in: the service's own, as its process would see it. */
function guardEnv(spec: ServiceSpec): NodeJS.ProcessEnv {
  return { ...process.env, ...spec.environment, ...spec.devenv.native?.environment };
}

/** Runs a service's reload guard once; what it printed explains a failure. */
async function runReloadGuard(spec: ServiceSpec | undefined): Promise<Result<void, string>> {
  const guard = spec?.devenv.reloadGuard;
  const [command, ...args] = guard?.command ?? [];
  if (!spec || !guard || command === undefined) return ok(undefined);
  const outcome = await runCommand(command, args, {
    cwd: guard.cwd,
    env: guardEnv(spec),
    timeoutMs: GUARD_TIMEOUT_MS,
  });
  return outcome.code === 0 ? ok(undefined) : err(describeOutcome(outcome));
}

export interface HotReload {
  block(): ReloadBlock | undefined;
  acceptBreaking(): void;
  /** Test-on-save: the latest run while it is on, undefined while it is off. */
  tests(): TestRun | undefined;
  /** Turns test-on-save on or off; returns whether it is now on. */
  toggleTests(): boolean;
  /** Told when the block or the tests change, for the TUI. */
  subscribe(onChange: () => void): () => void;
  close(): Promise<void>;
}

/** Watches the repository and turns each batch of changes into one reload (see reload/). */
export function startHotReload(options: {
  readonly root: string;
  readonly stack: Stack;
  readonly supervisor: Supervisor;
  readonly bus: LogBus;
  readonly versions: Versions;
  readonly toolchain: Toolchain;
}): HotReload {
  const { root, stack, supervisor, bus } = options;
  const note = (text: string) => bus.append('devenv', 'devenv', text);
  const protoOptions = {
    projectRoot: root,
    versions: options.versions,
    toolchain: options.toolchain,
  };
  let block: ReloadBlock | undefined;
  let testsOn = false;
  let tests: TestRun | undefined;
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of listeners) listener();
  };
  // One run at a time; files saved meanwhile join the next run.
  let testing: Promise<void> | undefined;
  let pendingTests = new Set<string>();
  const testChanged = (paths: readonly string[]) => {
    for (const path of paths) if (/\.(ts|tsx|js|py)$/.test(path)) pendingTests.add(path);
    if (testing || pendingTests.size === 0) return;
    testing = (async () => {
      while (pendingTests.size > 0 && testsOn) {
        const files = [...pendingTests];
        pendingTests = new Set();
        tests = { state: 'running', files: files.length, since: Date.now() };
        changed();
        tests = await runRelatedTests(root, files);
        changed();
        if (tests.state === 'done' && !tests.none)
          note(
            `tests related to ${files.length} changed file(s): ${tests.passed} passed, ${tests.failed} failed`,
          );
      }
      testing = undefined;
    })();
  };
  // A guard that serves warms up once its service is healthy: early enough for the first save,
  // and not while the stack starts, when its ~0.7 s of CPU would slow every service down.
  const guardServers = new Map<string, GuardServer>();
  for (const name of stack.startOrder) {
    const spec = stack.services[name];
    const guard = spec?.devenv.reloadGuard;
    if (spec && guard?.serve)
      guardServers.set(
        name,
        startGuardServer({
          command: guard.command,
          cwd: guard.cwd,
          env: guardEnv(spec),
          warmNow: false,
        }),
      );
  }
  const warmGuards = () => {
    const services = supervisor.store.getState().services;
    for (const [name, server] of guardServers)
      if (services[name]?.phase === 'healthy') server.warm();
  };
  const stopWarming = guardServers.size > 0 ? supervisor.store.subscribe(warmGuards) : () => {};
  warmGuards();
  const reloader = createReloader({
    proto: {
      lint: () => lintProtos(protoOptions),
      breaking: () => breakingProtos(protoOptions),
      generate: () => generateProtos(protoOptions),
    },
    restart: (name) => supervisor.restart(name),
    hotSwap: async (name, paths) => {
      const url = stack.services[name]?.devenv.hotReload?.url;
      return url
        ? requestHotSwap(url, paths, HOT_SWAP_TIMEOUT_MS)
        : { kind: 'restart-instead', detail: 'no x-devenv.hot_reload' };
    },
    guard: (name) =>
      guardServers.get(name)?.check(GUARD_TIMEOUT_MS) ?? runReloadGuard(stack.services[name]),
    getState: () => supervisor.store.getState(),
    note,
    onBlock: (next) => {
      block = next;
      changed();
    },
  });
  const hasProtos = existsSync(join(root, 'protos', 'buf.yaml'));
  const watcher = watchRepository({
    root,
    onBatch: (paths) => {
      const plan = planReload(paths, stack);
      const relevant = { ...plan, protos: hasProtos ? plan.protos : [] };
      if (relevant.protos.length + relevant.restart.length + relevant.hotReload.length > 0)
        void reloader.apply(relevant);
      if (testsOn) testChanged(paths);
    },
    onError: (message) => note(`file watcher: ${message}`),
  });
  void inotifyBudgetWarning(root).then((warning) => warning && note(warning));
  return {
    block: () => block,
    acceptBreaking: () => reloader.acceptBreaking(),
    tests: () =>
      testsOn
        ? (tests ?? {
            state: 'done',
            passed: 0,
            failed: 0,
            none: true,
            files: 0,
            ms: 0,
            firstFailure: undefined,
          })
        : undefined,
    toggleTests: () => {
      testsOn = !testsOn;
      if (!testsOn) tests = undefined;
      changed();
      return testsOn;
    },
    subscribe: (onChange) => {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    close: async () => {
      stopWarming();
      for (const server of guardServers.values()) server.close();
      await watcher.close();
    },
  };
}
