import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stackOutcome } from '../engine/outcome.js';
import { selectServices } from '../engine/select-services.js';
import type { EngineState } from '../engine/service-state.js';
import { createSupervisor, type RuntimeChoice, type Supervisor } from '../engine/supervisor.js';
import { runProbe } from '../health/probe.js';
import { createFileSink } from '../logbus/file-sink.js';
import { createLogBus, type LogBus } from '../logbus/log-bus.js';
import { createLokiSink } from '../logbus/loki-sink.js';
import type { LogSink } from '../logbus/log-sink.js';
import { lazyDockerReaper } from '../runtime/lazy-reaper.js';
import { lazyRuntime } from '../runtime/lazy-runtime.js';
import { nativeRuntime } from '../runtime/native.js';
import { processStartTicks, signalGroup } from '../runtime/process-group.js';
import { reapSession } from '../session/reap.js';
import { ensurePrivateDir, writePrivateFile } from '../session/private-files.js';
import { readSession, sessionPath, sessionRecorder } from '../session/session-file.js';
import {
  createSessionSecret,
  removeSessionSecret,
  SESSION_TOKEN_VAR,
  withSessionToken,
} from '../session/session-secret.js';
import { createToolchain } from '../toolchain/toolchain.js';
import { parseCommandArgs } from './args.js';
import type { CommandContext } from './command.js';
import { projectVersions } from './project-versions.js';
import { lokiTargetOf } from './loki-target.js';
import { metricsPortFrom, startMetricsEndpoint } from './metrics-endpoint.js';
import { jsonReporter, lineReporter, type Reporter } from './reporter.js';
import { loadStackFromFlags, STACK_FLAGS, STACK_FLAGS_USAGE, stateDirOf } from './stack-options.js';
import { styleFor } from './style.js';
import type { Stack } from '../model/stack.js';
import type { TemporalOverview } from '../temporal/temporal-overview.js';
import { UsageError } from './usage-error.js';
import type { ControlServer } from '../control/control-server.js';
import { messageOf } from '../result.js';

export const UP_USAGE = `Usage: devenv up [service…] [options]

Starts the stack (or the named services and what they depend on) and supervises it until
Ctrl-C: dependency order, readiness probes, restarts with backoff. Logs go to .devenv/logs/.

      --runtime R          native | docker | auto (default auto); per service: NAME=R (repeatable)
      --ci                 wait until every service is ready, report, stop everything, exit 0/1
      --timeout SECONDS    with --ci: give up after this long (default 300)
      --json               one JSON object per event on stdout
      --no-logs            do not echo service output
      --no-watch           do not reload services when their files change
${STACK_FLAGS_USAGE}

Environment: LOKI_URL ships every log line to that Loki (also on when the run has a loki
service); DEVENV_METRICS_PORT serves devenv's own /metrics there (default 9469, 0 any, off).

Exit status: 0 stopped cleanly (--ci: all ready), 1 a service failed, 2 usage or config error.`;

const RUNTIMES = ['native', 'docker', 'auto'] as const;

export async function upCommand(args: readonly string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      ...STACK_FLAGS,
      runtime: { type: 'string', multiple: true },
      ci: { type: 'boolean' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
      'no-logs': { type: 'boolean' },
      'no-watch': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    UP_USAGE,
    true,
  );
  if (values.help) {
    ctx.out(UP_USAGE);
    return 0;
  }
  const runtimeFor = parseRuntimeFlags(values.runtime ?? []);
  const timeoutMs = parseTimeout(values.timeout);
  const metricsPortSetting = metricsPortFrom(ctx.env);
  if (!metricsPortSetting.ok) throw new UsageError(metricsPortSetting.error, UP_USAGE);
  const metricsPort = metricsPortSetting.value;

  const loaded = await loadStackFromFlags(values, ctx);
  if (!loaded) return 2;
  const selection = selectServices(loaded, positionals);
  if (!selection.ok) {
    throw new UsageError(
      `no service named ${selection.unknown.map((n) => `"${n}"`).join(', ')} in ${loaded.files.join(', ')}; services: ${Object.keys(loaded.services).join(', ')}`,
      UP_USAGE,
    );
  }
  const stack = selection.stack;
  const versions = await projectVersions(ctx);
  if (versions === undefined) return 2;

  const stateDir = stateDirOf(stack, ctx);
  mkdirSync(stateDir, { recursive: true });
  const session = sessionPath(stateDir);
  const previous = readSession(session);
  if (previous) {
    const reaped = await reapSession(
      previous,
      lazyDockerReaper({
        projectName: previous.projectName,
        sessionId: previous.sessionId,
        onProblem: (problem) => ctx.err(`devenv: leftover containers: ${problem}`),
      }),
    );
    if (reaped.kind === 'still-running') {
      ctx.err(
        `devenv: this stack is already running under devenv (pid ${reaped.pid}); stop it with \`devenv down\` or Ctrl-C in its terminal`,
      );
      return 1;
    }
    for (const why of reaped.refused) ctx.err(`devenv: not acted on, from ${session}: ${why}`);
    if (reaped.processGroups > 0)
      ctx.err(
        `devenv: stopped ${reaped.processGroups} leftover process group(s) of a devenv that did not exit cleanly (pid ${previous.devenvPid})`,
      );
    if (reaped.containers.length > 0)
      ctx.err(`devenv: removed ${reaped.containers.length} leftover container(s) of that devenv`);
  }

  // This session's secret (session-secret.ts). Children inherit it: services, reload guards, k6.
  const secret = createSessionSecret(stateDir);
  if (!secret.ok) {
    ctx.err(`devenv: ${secret.error}`);
    return 1;
  }
  process.env[SESSION_TOKEN_VAR] = secret.value;

  const sessionId = randomUUID();
  const recorder = sessionRecorder(session, {
    devenvPid: process.pid,
    sessionId,
    devenvStartTicks: await processStartTicks(process.pid),
    projectName: stack.projectName,
    startedAt: Date.now(),
  });
  // --- Observability: Loki sink (when the run has a Loki or LOKI_URL is set) -------------
  const sinks: LogSink[] = [createFileSink({ directory: join(stateDir, 'logs') })];
  const loki = lokiTargetOf(stack, ctx.env);
  if (loki) {
    // closeTimeoutMs: an optional Loki that never came up must not hold up Ctrl-C for long.
    sinks.push(createLokiSink({ url: loki.url, project: stack.projectName, closeTimeoutMs: 2000 }));
  }
  // ---------------------------------------------------------------------------------------------
  const bus = createLogBus({ sinks });
  const teardown = teardownSteps();
  teardown.afterStop(() => bus.close());
  teardown.afterStop(() => removeSessionSecret(stateDir));
  // Aborted as the supervisor's shutdown begins: a tool install or image build in flight ends then.
  const inFlight = new AbortController();
  const toolchain = createToolchain({
    projectRoot: ctx.projectRoot,
    versions: versions,
    log: (line) => bus.append('devenv', 'devenv', line),
    signal: inFlight.signal,
  });
  const supervisor = createSupervisor({
    stack: withSessionToken(stack, secret.value),
    abort: inFlight,
    runtimes: {
      native: nativeRuntime(toolchain),
      docker: lazyRuntime('docker', async () =>
        (await import('../runtime/docker.js')).dockerRuntime({
          projectName: stack.projectName,
          sessionId,
          projectDir: stack.projectDir,
        }),
      ),
    },
    runtimeFor,
    prober: runProbe,
    log: bus,
    leftovers: recorder,
  });

  const nameWidth = Math.max(8, ...stack.startOrder.map((n) => n.length));
  const reporter: Reporter = values.json
    ? jsonReporter(ctx.out, !values.ci && !values['no-logs'])
    : lineReporter(
        ctx.out,
        styleFor(ctx.stdout, ctx.env),
        !values.ci && !values['no-logs'],
        nameWidth,
      );
  // On a terminal (and not --ci/--json) the TUI renders instead of the line reporter.
  const interactive = ctx.stdout.isTTY === true && !values.ci && !values.json;
  if (!interactive) {
    bus.subscribe({}, (records) => reporter.logs(records));
    let last: EngineState | undefined;
    supervisor.store.subscribe((state) => {
      reporter.state(last, state);
      last = state;
    });
  }
  const snapshot = snapshotWriter(join(stateDir, 'state.json'), stack.projectName, (problem) =>
    bus.append('devenv', 'devenv', problem),
  );
  supervisor.store.subscribe(snapshot.update);

  const stopRequest = watchForStop(ctx, reporter, session);

  // --- Observability: devenv's own /metrics (supervisor state) for Prometheus ----------------
  if (metricsPort !== 'off') {
    const started = await startMetricsEndpoint(
      { getState: () => supervisor.store.getState(), logStats: () => bus.stats() },
      metricsPort,
    );
    // Not fatal: a second devenv (another project) may hold the port; the stack runs regardless.
    if (started.ok) teardown.afterStop(() => started.value.close());
    else
      reporter.line(
        `devenv metrics not served: ${started.error.reason === 'port-in-use' ? `127.0.0.1:${started.error.port} is in use` : started.error.message} (set DEVENV_METRICS_PORT)`,
      );
  }
  // ---------------------------------------------------------------------------------------------

  let code = 1;
  let thrown: { readonly error: unknown } | undefined;
  try {
    // From here on services run: whatever happens next (a throw in the TUI, the watcher, the
    // control socket, or a fault anywhere in devenv), the teardown below stops every one of them.
    supervisor.begin();
    const reload =
      values.ci || values['no-watch']
        ? undefined
        : (await import('./hot-reload.js')).startHotReload({
            root: dirname(stateDir),
            stack,
            supervisor,
            bus,
            versions: versions,
            toolchain,
          });
    // Closed before the stack stops: a save during shutdown must not restart a service.
    if (reload) teardown.beforeStop(() => reload.close());
    const control = await serveControlSocket({
      stateDir,
      stack,
      supervisor,
      bus,
      snapshot,
      reporter,
    });
    if (control) teardown.afterStop(() => control.close());

    if (values.ci) {
      code = await ciRun({ supervisor, stack, bus, reporter, stopRequest, timeoutMs });
    } else if (interactive) {
      const { renderTui } = await import('../tui/render.js');
      const temporal = await watchStackTemporal(stack);
      teardown.beforeStop(() => temporal.close());
      const { createLoadRunner } = await import('../load/load-runner.js');
      const { openUrl } = await import('../process/open-url.js');
      const load = createLoadRunner({
        projectRoot: ctx.projectRoot,
        toolchain,
        log: (stream, text) => bus.append('k6', stream, text),
      });
      teardown.beforeStop(() => load.close());
      const ui = renderTui({
        projectName: stack.projectName,
        stack,
        getState: () => supervisor.store.getState(),
        subscribe: (onChange) => {
          const fromStore = supervisor.store.subscribe(() => onChange());
          const fromReload = reload?.subscribe(onChange);
          const fromTemporal = temporal.subscribe(onChange);
          const fromLoad = load.subscribe(onChange);
          return () => {
            fromStore();
            fromReload?.();
            fromTemporal();
            fromLoad();
          };
        },
        temporal: () => temporal.latest(),
        reloadBlock: () => reload?.block(),
        acceptBreaking: () => reload?.acceptBreaking(),
        tests: () => reload?.tests(),
        toggleTests: () => reload?.toggleTests() ?? false,
        loadProfiles: () => load.profiles(),
        startLoad: (profile) => load.start(profile),
        stopLoad: () => load.stop(),
        load: () => load.status(),
        openUrl: (url) => openUrl(url, ctx.env),
        logs: bus,
        restart: (name) => supervisor.restart(name),
        stop: (name) => supervisor.stop(name),
        start: (name) => supervisor.start(name),
        quit: () => supervisor.shutdown(),
      });
      // Closed once everything is down, so that it shows the stopping progress until then.
      teardown.afterStop(() => ui.close());
      const ended = await Promise.race([ui.exited, stopRequest.requested]);
      code = ended?.kind === 'fault' ? 1 : 0;
    } else {
      code = (await stopRequest.requested).kind === 'fault' ? 1 : 0;
    }
  } catch (error) {
    thrown = { error };
  }

  const { stackStopped, failures } = await teardown.run(() => supervisor.shutdown());
  // A stack that did not stop keeps its session file: the next devenv reaps what it left.
  if (stackStopped) {
    recorder.close();
    snapshot.remove();
  } else {
    snapshot.flush(supervisor.store.getState());
  }
  stopRequest.dispose();
  // A bug: thrown on to main, which prints it and exits 1, now that nothing is left running.
  const failure =
    thrown ?? stopRequest.fault() ?? (failures.length > 0 ? { error: failures[0] } : undefined);
  if (failure) throw failure.error;
  return code;
}

type StopCause = { readonly kind: 'signal' } | { readonly kind: 'fault'; readonly error: unknown };

/**
 * When `up` should stop its stack: a signal (SIGINT, SIGTERM, SIGHUP), the reader of its output
 * going away, or a fault anywhere in devenv (an exception nothing caught, a promise rejection
 * nobody handled), which would otherwise end devenv at once and leave every service running.
 */
function watchForStop(ctx: CommandContext, reporter: Reporter, session: string) {
  let request!: (cause: StopCause) => void;
  const requested = new Promise<StopCause>((resolve) => (request = resolve));
  let fault: { readonly error: unknown } | undefined;
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      reporter.line(`${signal}: stopping everything (again to force)`);
      request({ kind: 'signal' });
    } else {
      // The user insists: kill every group now rather than wait for graceful stops.
      for (const leftover of Object.values(readSession(session)?.services ?? {})) {
        if (leftover.kind === 'process-group') signalGroup(leftover.pgid, 'SIGKILL');
      }
    }
  };
  const onFault = (error: unknown) => {
    if (fault) return;
    fault = { error };
    try {
      ctx.err(`devenv: internal error, stopping the stack: ${messageOf(error)}`);
    } catch {
      // The output is broken too; main reports the error once the stack is down.
    }
    request({ kind: 'fault', error });
  };
  const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on('uncaughtException', onFault);
  process.on('unhandledRejection', onFault);
  // The reader of our output is gone (`devenv up | head`): nobody is watching, so stop as on
  // SIGHUP rather than keep a stack running that nothing can stop but `devenv down`.
  ctx.onOutputClosed?.(() => request({ kind: 'signal' }));
  return {
    requested,
    fault: () => fault,
    dispose: () => {
      for (const signal of SIGNALS) process.off(signal, onSignal);
      process.off('uncaughtException', onFault);
      process.off('unhandledRejection', onFault);
    },
  };
}

type Step = () => unknown;

/**
 * What `up` opened around its stack, closed as Go's defer closes (last opened, first closed)
 * around the one shutdown of the stack: `beforeStop` steps (the file watcher, the load runner)
 * first, then the stack, then `afterStop` steps (the TUI, the sockets, the log bus). Every step
 * runs even when one before it throws, and the stack is stopped whatever they did.
 */
export function teardownSteps() {
  const before: Step[] = [];
  const after: Step[] = [];
  return {
    beforeStop: (step: Step): void => void before.unshift(step),
    afterStop: (step: Step): void => void after.unshift(step),
    run: async (stop: () => Promise<void>) => {
      const failures: unknown[] = [];
      const attempt = async (step: Step): Promise<boolean> => {
        try {
          await step();
          return true;
        } catch (error) {
          failures.push(error);
          return false;
        }
      };
      for (const step of before) await attempt(step);
      const stackStopped = await attempt(stop);
      for (const step of after) await attempt(step);
      return { stackStopped, failures };
    },
  };
}

/**
 * `devenv restart|stop|start` from other terminals reach this devenv through its control socket.
 * Not fatal when it cannot be served (the path is taken, say): the stack runs, and the commands
 * say that nothing answers.
 */
async function serveControlSocket(options: {
  readonly stateDir: string;
  readonly stack: Stack;
  readonly supervisor: Supervisor;
  readonly bus: LogBus;
  readonly snapshot: SnapshotWriter;
  readonly reporter: Reporter;
}): Promise<ControlServer | undefined> {
  const { supervisor, bus } = options;
  const { controlSocketPath } = await import('../control/socket-path.js');
  const { createControlActions } = await import('../control/control-actions.js');
  const { dependantsRestartedWith } = await import('../engine/restart-policy.js');
  const { startControlServer, describeControlServerFailure } =
    await import('../control/control-server.js');
  const served = await startControlServer({
    path: controlSocketPath(options.stateDir),
    actions: createControlActions({
      projectName: options.stack.projectName,
      store: supervisor.store,
      restart: (name) => supervisor.restart(name),
      stop: (name) => supervisor.stop(name),
      start: (name) => supervisor.start(name),
      restartsAlong: (name) => dependantsRestartedWith(options.stack, name),
      note: (service, text) => bus.append(service, 'devenv', text),
      settled: () => options.snapshot.flush(supervisor.store.getState()),
    }),
  });
  if (served.ok) return served.value;
  options.reporter.line(
    `devenv restart/stop/start will not reach this stack: ${describeControlServerFailure(served.error)}`,
  );
  return undefined;
}

async function ciRun(options: {
  readonly supervisor: Supervisor;
  readonly stack: Stack;
  readonly bus: LogBus;
  readonly reporter: Reporter;
  readonly stopRequest: { readonly requested: Promise<StopCause> };
  readonly timeoutMs: number;
}): Promise<number> {
  const { supervisor, stack, bus, reporter, timeoutMs } = options;
  const verdict = await Promise.race([
    ciVerdict(supervisor, stack),
    options.stopRequest.requested,
    sleep(timeoutMs).then(() => 'timeout' as const),
  ]);
  if (verdict === 'timeout') {
    reporter.line(
      `not ready after ${timeoutMs / 1000} s: ${describeWaiting(supervisor.store.getState())}`,
    );
    return 1;
  }
  switch (verdict.kind) {
    case 'signal':
    case 'fault':
      return 1;
    case 'failed':
      for (const f of verdict.failures) {
        reporter.line(`${f.service}: ${f.reason}`);
        for (const r of bus.tail(f.service, { limit: 20 }))
          reporter.line(`  ${f.service} | ${r.text}`);
      }
      return 1;
    case 'ready':
      reporter.line(`all ${stack.startOrder.length} services ready`);
      return 0;
  }
}

/** The TUI's Temporal panel source: polls the stack's Temporal when it has one. */
async function watchStackTemporal(stack: Stack) {
  const { temporalTargetOf } = await import('../temporal/temporal-overview.js');
  const target = temporalTargetOf(stack);
  let latest: TemporalOverview | undefined;
  const listeners = new Set<() => void>();
  const stop = target
    ? (await import('../temporal/temporal-watch.js')).watchTemporal(target, (overview) => {
        latest = overview;
        for (const listener of listeners) listener();
      })
    : () => {};
  return {
    latest: () => latest,
    subscribe: (onChange: () => void) => {
      listeners.add(onChange);
      return () => void listeners.delete(onChange);
    },
    close: stop,
  };
}

function ciVerdict(supervisor: Supervisor, stack: Parameters<typeof stackOutcome>[1]) {
  return new Promise<Exclude<ReturnType<typeof stackOutcome>, { kind: 'settling' }>>((resolve) => {
    const check = (state: EngineState) => {
      const outcome = stackOutcome(state, stack);
      if (outcome.kind !== 'settling') resolve(outcome);
    };
    supervisor.store.subscribe(check);
    check(supervisor.store.getState());
  });
}

function describeWaiting(state: EngineState): string {
  return state.order
    .map((n) => state.services[n]!)
    .filter((s) => s.phase !== 'healthy' && s.phase !== 'completed')
    .map((s) => `${s.name} ${s.phase}${s.lastProbe ? ` (${s.lastProbe.detail})` : ''}`)
    .join(', ');
}

function parseRuntimeFlags(flags: readonly string[]): (service: string) => RuntimeChoice {
  let fallback: RuntimeChoice = 'auto';
  const perService = new Map<string, RuntimeChoice>();
  for (const flag of flags) {
    const [left, right] = flag.includes('=') ? flag.split('=', 2) : [undefined, flag];
    if (!RUNTIMES.includes(right as RuntimeChoice)) {
      throw new UsageError(
        `--runtime ${flag}: expected ${RUNTIMES.join(', ')} (or NAME=${RUNTIMES.join('|')})`,
        UP_USAGE,
      );
    }
    if (left === undefined) fallback = right as RuntimeChoice;
    else perService.set(left, right as RuntimeChoice);
  }
  return (service) => perService.get(service) ?? fallback;
}

function parseTimeout(raw: string | undefined): number {
  if (raw === undefined) return 300_000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new UsageError(`--timeout ${raw}: expected a number of seconds`, UP_USAGE);
  return seconds * 1000;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * `.devenv/state.json` for `devenv ps`: the latest state, written at most every 200 ms, and at
 * once on `flush()`. A write that fails (the directory was deleted, the disk is full) is reported
 * and retried with the next change; it never takes devenv, and so the stack, down.
 */
function snapshotWriter(path: string, projectName: string, report: (problem: string) => void) {
  let pending: EngineState | undefined;
  let timer: NodeJS.Timeout | undefined;
  let failing = false;
  const save = (state: EngineState | null) => {
    try {
      ensurePrivateDir(dirname(path));
      writePrivateFile(
        path,
        JSON.stringify({
          devenvPid: state ? process.pid : null,
          projectName,
          updatedAt: Date.now(),
          state,
        }),
      );
      failing = false;
    } catch (error) {
      if (!failing) report(`cannot write ${path} (devenv ps shows old state): ${messageOf(error)}`);
      failing = true;
    }
  };
  const write = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending) save(pending);
    pending = undefined;
  };
  return {
    update: (state: EngineState) => {
      pending = state;
      timer ??= setTimeout(write, 200);
    },
    /** Writes `state` now: a `devenv ps` right after this sees it. */
    flush: (state: EngineState) => {
      pending = state;
      write();
    },
    remove: () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      pending = undefined;
      save(null);
    },
  };
}
type SnapshotWriter = ReturnType<typeof snapshotWriter>;
