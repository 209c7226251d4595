import type { ServiceSpec } from '../model/stack.js';
import {
  describeStartFailure,
  type Runtime,
  type RuntimeKind,
  type ServiceHandle,
} from '../runtime/runtime.js';
import { stopSignalOf } from '../runtime/signal-names.js';
import { describeUnavailable } from '../runtime/unavailable.js';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
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

/** Why a runtime the service may use cannot run it. */
export type RuntimeRefusal =
  /** This devenv was started without that runtime (`--runtime` left it out). */
  | { readonly kind: RuntimeKind; readonly reason: 'not-in-this-devenv' }
  /** Its check failed: a tool, an image or a port is missing. */
  | { readonly kind: RuntimeKind; readonly reason: 'check-failed'; readonly why: string };

/** `native: "api" is not on PATH; docker: …`: every runtime tried, in order. */
export function describeRefusals(refusals: readonly RuntimeRefusal[]): string {
  return refusals
    .map(
      (r) =>
        `${r.kind}: ${r.reason === 'not-in-this-devenv' ? 'runtime not available in this devenv' : r.why}`,
    )
    .join('; ');
}

/** The first runtime that can run the service, or why each it may use cannot. */
async function pickRuntime(
  options: SupervisorOptions,
  spec: ServiceSpec,
): Promise<Result<Runtime, RuntimeRefusal[]>> {
  const choice = options.runtimeFor(spec.name);
  const order: RuntimeKind[] = choice === 'auto' ? ['native', 'docker'] : [choice];
  const refusals: RuntimeRefusal[] = [];
  for (const kind of order) {
    const runtime = options.runtimes[kind];
    if (!runtime) {
      refusals.push({ kind, reason: 'not-in-this-devenv' });
      continue;
    }
    const check = await runtime.check(spec);
    if (check.ok) return ok(runtime);
    refusals.push({ kind, reason: 'check-failed', why: describeUnavailable(check.error) });
  }
  return err(refusals);
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
  const picked = await pickRuntime(options, spec);
  if (shuttingDown()) return;
  if (!picked.ok) {
    const reason = describeRefusals(picked.error);
    store.dispatch({ type: 'service/unavailable', service: name, reason });
    ctx.note(name, `unavailable: ${reason}`);
    return;
  }
  const runtime = picked.value;
  const started = await runtime.start(spec, {
    output: (stream, chunk) => options.log.write(name, stream, chunk),
    signal: ctx.signal,
    stopSignal: stopSignalOf(spec),
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
