import { mkdirSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname } from 'node:path';
import type { EngineController } from '../engine/engine-controller.js';
import type { RunStack } from '../model/replicas.js';
import { prepareOutputPipes } from '../runtime/output-pipes.js';
import { registerSession } from '../session/registry.js';
import { sessionPath } from '../session/session-file.js';
import {
  createSessionSecret,
  removeSessionSecret,
  SESSION_TOKEN_VAR,
  withSessionToken,
} from '../session/session-secret.js';
import type { CommandContext } from './command.js';
import { abortOnExit, exitStatusOf, watchForEnd } from './up/abort-on-exit.js';
import { stateDirOf } from './stack-options.js';
import { loadUpStack } from './up/cached-stack.js';
import { ciRun } from './up/ci-run.js';
import { serveControlSocket } from './up/control-socket.js';
import { startEngine, type StartedEngine } from './up/engine-start.js';
import { firstServiceActedOn } from './up/first-spawn.js';
import { collectOnceSettled } from './up/idle-collect.js';
import { serveMetrics, startReporter, startSnapshot } from './up/observers.js';
import { reapPreviousSession } from './up/previous-session.js';
import { watchForStop } from './up/stop-request.js';
import { teardownSteps, type TeardownSteps } from './up/teardown.js';
import { runTui } from './up/tui-mode.js';
import { parseUpOptions, UP_USAGE, type UpOptions } from './up/up-options.js';

/**
 * `devenv up`: load the stack, clear what an earlier devenv left, start the engine and its
 * observers, run in one mode (CI, TUI or headless) until it ends, then tear everything down.
 */
export async function upCommand(args: readonly string[], ctx: CommandContext): Promise<number> {
  const options = parseUpOptions(args, ctx);
  if (options.help) {
    ctx.out(UP_USAGE);
    return 0;
  }
  const loaded = await loadUpStack(options, ctx);
  if (!loaded) return 2;
  const { stack, versions } = loaded;
  const exitCodeFrom = exitCodeInstance(options, stack);
  if (exitCodeFrom === null) {
    ctx.err(`devenv: --exit-code-from ${options.exitCodeFrom}: no such service in this run`);
    return 2;
  }
  if (options.detach !== undefined) {
    const target = options.detach;
    const stateDir = stateDirOf(stack, ctx);
    mkdirSync(stateDir, { recursive: true });
    const { detachUp } = await import('./up/detach.js');
    return detachUp({ args, stack, stateDir, target, timeoutMs: options.waitTimeoutMs }, ctx);
  }
  // Made while the rest of the start runs: the first spawns find their output pipes ready.
  prepareOutputPipes(Object.values(stack.services).filter((s) => s.devenv.native).length);
  const stateDir = stateDirOf(stack, ctx);
  mkdirSync(stateDir, { recursive: true });
  if ((await reapPreviousSession(stateDir, ctx)) === 'running') return 1;
  // This session's secret (session-secret.ts). Children inherit it: services, reload guards, k6.
  const secret = createSessionSecret(stateDir);
  if (!secret.ok) {
    ctx.err(`devenv: ${secret.error}`);
    return 1;
  }
  process.env[SESSION_TOKEN_VAR] = secret.value;
  const started = await startEngine({
    stack: withSessionTokenRun(stack, secret.value),
    stateDir,
    projectRoot: ctx.projectRoot,
    versions,
    env: ctx.env,
    secret: secret.value,
    runtimeFor: options.runtimeFor,
    pull: options.pull,
  });
  const teardown = teardownSteps();
  teardown.afterStop(() => started.bus.close());
  teardown.afterStop(() => removeSessionSecret(stateDir));
  teardown.afterStop(
    registerSession(stack, stateDir, ctx.env, firstServiceActedOn(started.engine)),
  );
  const code = await supervise(started, { options, ctx, stateDir, teardown, versions });
  // Compose's --exit-code-from: that service's status once everything has stopped.
  const last = exitCodeFrom && started.engine.getState().services[exitCodeFrom]?.lastExit;
  return last ? exitStatusOf(last, constants.signals) : code;
}

/** `--exit-code-from`'s instance (a replicated service's first replica); null: not in the run. */
function exitCodeInstance(options: UpOptions, stack: RunStack): string | undefined | null {
  const name = options.exitCodeFrom;
  if (name === undefined) return undefined;
  if (stack.services[name] !== undefined) return name;
  return stack.services[`${name}-1`] !== undefined ? `${name}-1` : null;
}

/**
 * Every instance has the secret, and so does the declaration: replicas that `devenv scale` adds
 * later get it too (as re-expanding the declaration would, without the model code).
 */
function withSessionTokenRun(stack: RunStack, token: string): RunStack {
  const { services } = withSessionToken(stack, token);
  return { ...stack, services, declared: withSessionToken(stack.declared, token) };
}

/** From the first service started to the last one stopped; the exit code. */
async function supervise(
  started: StartedEngine,
  run: {
    readonly options: UpOptions;
    readonly ctx: CommandContext;
    readonly stateDir: string;
    readonly teardown: TeardownSteps;
    readonly versions: Parameters<typeof startEngine>[0]['versions'];
  },
): Promise<number> {
  const { engine, bus } = started;
  const { options, ctx, stateDir, teardown } = run;
  // On a terminal (and not --ci/--json) the TUI renders instead of the line reporter.
  const interactive =
    ctx.stdout.isTTY === true && !options.ci && !options.json && options.abortOn === undefined;
  const reporter = startReporter(engine, bus, options, ctx, interactive);
  const snapshot = startSnapshot(engine, bus, stateDir);
  const stopRequest = watchForStop(ctx, reporter, sessionPath(stateDir));

  let code = 1;
  let thrown: { readonly error: unknown } | undefined;
  try {
    // From here on services run: whatever happens next (a throw in the TUI, the watcher, the
    // control socket, or a fault anywhere in devenv), the teardown below stops every one of them.
    // Watched from before the first start: a one-shot task may end at once.
    const ended = options.abortOn && watchForEnd(engine, options.abortOn);
    engine.begin();
    // What follows loads modules the first spawn does not need: it comes after that spawn.
    await firstServiceActedOn(engine);
    await serveMetrics(engine, bus, options.metricsPort, reporter, teardown);
    if (options.watch) await startReload(started, run);
    const control = await serveControlSocket({ stateDir, engine, snapshot, reporter });
    if (control) teardown.afterStop(() => control.close());
    // What the start left in V8's heap goes back to the system once the stack is up.
    teardown.beforeStop(collectOnceSettled(engine, () => bus.stats().records));
    if (options.ci)
      code = await ciRun({ engine, reporter, stopRequest, timeoutMs: options.timeoutMs });
    else if (ended && options.abortOn) {
      const outcome = await abortOnExit({ ended, reporter, stopRequest, on: options.abortOn });
      if ('service' in outcome) code = exitStatusOf(outcome.exit, constants.signals);
      else code = outcome.kind === 'fault' ? 1 : 0;
    } else if (interactive)
      code = await runTui({
        engine,
        bus,
        toolchain: started.toolchain,
        ctx,
        stopRequest,
        teardown,
      });
    else code = (await stopRequest.requested).kind === 'fault' ? 1 : 0;
  } catch (error) {
    thrown = { error };
  }

  const { stackStopped, failures } = await teardown.run(() => engine.quit());
  // A stack that did not stop keeps its session file: the next devenv reaps what it left.
  if (stackStopped) {
    started.closeSession();
    snapshot.remove();
  } else {
    snapshot.flush(engine.getState());
  }
  stopRequest.dispose();
  // A bug: thrown on to main, which prints it and exits 1, now that nothing is left running.
  const failure =
    thrown ?? stopRequest.fault() ?? (failures.length > 0 ? { error: failures[0] } : undefined);
  if (failure) throw failure.error;
  return code;
}

/** Hot reload on save; closed before the stack stops, so a save during shutdown restarts nothing. */
async function startReload(
  started: StartedEngine,
  run: {
    readonly stateDir: string;
    readonly teardown: TeardownSteps;
    readonly versions: Parameters<typeof startEngine>[0]['versions'];
  },
): Promise<void> {
  const engine: EngineController = started.engine;
  const { startHotReload } = await import('../reload/hot-reload.js');
  const reload = startHotReload({
    root: dirname(run.stateDir),
    stack: engine.stack,
    engine,
    bus: started.bus,
    versions: run.versions,
    toolchain: started.toolchain,
  });
  run.teardown.beforeStop(() => reload.close());
  run.teardown.beforeStop(engine.attach({ reload }));
}
