import { randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stackOutcome } from '../engine/outcome.js';
import { selectServices } from '../engine/select-services.js';
import type { EngineState } from '../engine/service-state.js';
import { createSupervisor, type RuntimeChoice, type Supervisor } from '../engine/supervisor.js';
import { runProbe } from '../health/probe.js';
import { createFileSink } from '../logbus/file-sink.js';
import { createLogBus } from '../logbus/log-bus.js';
import { createLokiSink } from '../logbus/loki-sink.js';
import type { LogSink } from '../logbus/log-sink.js';
import { lazyDockerReaper } from '../runtime/lazy-reaper.js';
import { lazyRuntime } from '../runtime/lazy-runtime.js';
import { nativeRuntime } from '../runtime/native.js';
import { processStartTicks, signalGroup } from '../runtime/process-group.js';
import { reapSession } from '../session/reap.js';
import { readSession, sessionPath, sessionRecorder } from '../session/session-file.js';
import { createToolchain } from '../toolchain/toolchain.js';
import { parseCommandArgs } from './args.js';
import type { CommandContext } from './command.js';
import { projectVersions } from './project-versions.js';
import { lokiTargetOf } from './loki-target.js';
import { metricsPortFrom, startMetricsEndpoint, type MetricsEndpoint } from './metrics-endpoint.js';
import { jsonReporter, lineReporter, type Reporter } from './reporter.js';
import { loadStackFromFlags, STACK_FLAGS, STACK_FLAGS_USAGE, stateDirOf } from './stack-options.js';
import { styleFor } from './style.js';
import type { Stack } from '../model/stack.js';
import type { TemporalOverview } from '../temporal/temporal-overview.js';
import { UsageError } from './usage-error.js';

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
    if (reaped.processGroups > 0)
      ctx.err(
        `devenv: stopped ${reaped.processGroups} leftover process group(s) of a devenv that did not exit cleanly (pid ${previous.devenvPid})`,
      );
    if (reaped.containers.length > 0)
      ctx.err(`devenv: removed ${reaped.containers.length} leftover container(s) of that devenv`);
  }

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
  const toolchain = createToolchain({
    projectRoot: ctx.projectRoot,
    versions: versions,
    log: (line) => bus.append('devenv', 'devenv', line),
  });
  const supervisor = createSupervisor({
    stack,
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
  const snapshot = snapshotWriter(join(stateDir, 'state.json'), stack.projectName);
  supervisor.store.subscribe(snapshot.update);

  const stopped = new Promise<'signal'>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      if (signals === 1) {
        reporter.line(`${signal}: stopping everything (again to force)`);
        resolve('signal');
      } else {
        // The user insists: kill every group now rather than wait for graceful stops.
        for (const leftover of Object.values(readSession(session)?.services ?? {})) {
          if (leftover.kind === 'process-group') signalGroup(leftover.pgid, 'SIGKILL');
        }
      }
    };
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
    // The reader of our output is gone (`devenv up | head`): nobody is watching, so stop as on
    // SIGHUP rather than keep a stack running that nothing can stop but `devenv down`.
    ctx.onOutputClosed?.(() => resolve('signal'));
  });

  // --- Observability: devenv's own /metrics (supervisor state) for Prometheus ----------------
  let metrics: MetricsEndpoint | undefined;
  const metricsPort = metricsPortFrom(ctx.env);
  if (!metricsPort.ok) throw new UsageError(metricsPort.error, UP_USAGE);
  if (metricsPort.value !== 'off') {
    const started = await startMetricsEndpoint(
      { getState: () => supervisor.store.getState(), logStats: () => bus.stats() },
      metricsPort.value,
    );
    // Not fatal: a second devenv (another project) may hold the port; the stack runs regardless.
    if (started.ok) metrics = started.value;
    else
      reporter.line(
        `devenv metrics not served: ${started.error.reason === 'port-in-use' ? `127.0.0.1:${started.error.port} is in use` : started.error.message} (set DEVENV_METRICS_PORT)`,
      );
  }
  // ---------------------------------------------------------------------------------------------

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
  let code = 0;
  if (values.ci) {
    const verdict = await Promise.race([
      ciVerdict(supervisor, stack),
      stopped,
      sleep(timeoutMs).then(() => 'timeout' as const),
    ]);
    if (verdict === 'timeout') {
      reporter.line(
        `not ready after ${timeoutMs / 1000} s: ${describeWaiting(supervisor.store.getState())}`,
      );
      code = 1;
    } else if (verdict === 'signal') {
      code = 1;
    } else if (verdict.kind === 'failed') {
      for (const f of verdict.failures) {
        reporter.line(`${f.service}: ${f.reason}`);
        for (const r of bus.tail(f.service, { limit: 20 }))
          reporter.line(`  ${f.service} | ${r.text}`);
      }
      code = 1;
    } else {
      reporter.line(`all ${stack.startOrder.length} services ready`);
    }
  } else if (interactive) {
    const { renderTui } = await import('../tui/render.js');
    const temporal = await watchStackTemporal(stack);
    const { createLoadRunner } = await import('../load/load-runner.js');
    const { openUrl } = await import('../process/open-url.js');
    const load = createLoadRunner({
      projectRoot: ctx.projectRoot,
      toolchain,
      log: (stream, text) => bus.append('k6', stream, text),
    });
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
    await Promise.race([ui.exited, stopped]);
    temporal.close();
    await load.close();
    await supervisor.shutdown();
    ui.close();
  } else {
    await stopped;
  }
  await reload?.close();
  await supervisor.shutdown();
  snapshot.update(supervisor.store.getState());
  await metrics?.close();
  await bus.close();
  recorder.close();
  snapshot.remove();
  return code;
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

/** `.devenv/state.json` for `devenv ps`: the latest state, written at most every 200 ms. */
function snapshotWriter(path: string, projectName: string) {
  let pending: EngineState | undefined;
  let timer: NodeJS.Timeout | undefined;
  const write = () => {
    timer = undefined;
    if (!pending) return;
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(
      tmp,
      JSON.stringify({
        devenvPid: process.pid,
        projectName,
        updatedAt: Date.now(),
        state: pending,
      }),
    );
    renameSync(tmp, path);
  };
  return {
    update: (state: EngineState) => {
      pending = state;
      timer ??= setTimeout(write, 200);
    },
    remove: () => {
      if (timer) clearTimeout(timer);
      pending = undefined;
      writeFileSync(
        path,
        JSON.stringify({ devenvPid: null, projectName, updatedAt: Date.now(), state: null }),
      );
    },
  };
}
