import type { ServiceSpec } from '../model/stack.js';
import {
  describeStartFailure,
  type Runtime,
  type RuntimeKind,
  type ServiceHandle,
} from '../runtime/runtime.js';
import { messageOf } from '../result.js';
import type { Clock } from './clock.js';
import { nextStartAfterFailedStart } from './restart-policy.js';
import type { Store } from './store.js';
import type { SupervisorOptions } from './supervisor-options.js';

export interface LaunchContext {
  readonly options: SupervisorOptions;
  readonly store: Store;
  readonly clock: Clock;
  readonly random: () => number;
  readonly signal: AbortSignal;
  readonly note: (service: string, text: string) => void;
  /** Puts the service back to pending at `at` (a backoff). */
  readonly requeueAt: (service: string, at: number) => void;
  /** The service runs: the supervisor takes it from here. */
  readonly started: (spec: ServiceSpec, runtime: Runtime, handle: ServiceHandle) => void;
}

/** The first runtime that can run the service, or why none can. */
async function pickRuntime(
  options: SupervisorOptions,
  spec: ServiceSpec,
): Promise<Runtime | string> {
  const choice = options.runtimeFor(spec.name);
  const order: RuntimeKind[] = choice === 'auto' ? ['native', 'docker'] : [choice];
  const reasons: string[] = [];
  for (const kind of order) {
    const runtime = options.runtimes[kind];
    if (!runtime) {
      reasons.push(`${kind}: runtime not available in this devenv`);
      continue;
    }
    const check = await runtime.check(spec);
    if (check.ok) return runtime;
    reasons.push(`${kind}: ${check.error.reason}`);
  }
  return reasons.join('; ');
}

/** Starts one service on the first runtime that can run it; never rejects. */
export async function launch(ctx: LaunchContext, spec: ServiceSpec): Promise<void> {
  try {
    await launchOnce(ctx, spec);
  } catch (error) {
    // A bug or an unforeseen failure in a runtime: the service shows it, devenv keeps going.
    if (ctx.store.getState().shuttingDown) return;
    startFailed(ctx, spec, `devenv could not start it: ${messageOf(error)}`, '');
  }
}

function startFailed(ctx: LaunchContext, spec: ServiceSpec, reason: string, notePrefix: string) {
  const { store, clock } = ctx;
  store.dispatch({ type: 'service/start-failed', service: spec.name, reason, at: clock.now() });
  ctx.note(spec.name, `${notePrefix}${reason}`);
  const state = store.getState();
  const at = nextStartAfterFailedStart(
    state.services[spec.name],
    spec,
    state.shuttingDown,
    clock.now(),
    ctx.random(),
  );
  if (at !== undefined) ctx.requeueAt(spec.name, at);
}

async function launchOnce(ctx: LaunchContext, spec: ServiceSpec) {
  const { store, options } = ctx;
  const name = spec.name;
  const shuttingDown = () => store.getState().shuttingDown;
  const runtime = await pickRuntime(options, spec);
  if (shuttingDown()) return;
  if (typeof runtime === 'string') {
    store.dispatch({ type: 'service/unavailable', service: name, reason: runtime });
    ctx.note(name, `unavailable: ${runtime}`);
    return;
  }
  const started = await runtime.start(spec, {
    output: (stream, chunk) => options.log.write(name, stream, chunk),
    signal: ctx.signal,
  });
  if (shuttingDown()) {
    if (started.ok) await started.value.stop(spec.stopGracePeriodMs);
    return;
  }
  if (!started.ok) {
    startFailed(ctx, spec, describeStartFailure(started.error), 'failed to start: ');
    return;
  }
  ctx.started(spec, runtime, started.value);
}
