import type { EngineController } from '../../engine/engine-controller.js';
import type { EngineAction } from '../../engine/actions.js';
import type { EngineState, ExitInfo } from '../../engine/service-state.js';
import type { Reporter } from '../reporter.js';
import type { StopCause } from './stop-request.js';

/** `--abort-on-container-exit` / `--abort-on-container-failure`, as Compose has them. */
export type AbortOn = 'exit' | 'failure';

/** A service whose run ended on its own: what makes the stack stop. */
export interface EndedService {
  readonly service: string;
  readonly exit: ExitInfo;
}

/** An exit's status as a shell reports it: the code, or 128 + the signal's number. */
export function exitStatusOf(
  exit: ExitInfo,
  signalNumbers: Readonly<Record<string, number>>,
): number {
  if (exit.code !== null) return exit.code;
  return 128 + (exit.signal === null ? 0 : (signalNumbers[exit.signal] ?? 0));
}

/**
 * The first service of this burst of engine actions whose run ended by itself: an exit that no
 * stop, kill, restart or failed probe of devenv's asked for (in the state `before` the burst or
 * earlier in it), and not while the stack stops. With `failure`, only an unclean exit counts.
 * Pure.
 */
export function newlyEnded(
  before: EngineState | undefined,
  actions: readonly EngineAction[],
  on: AbortOn,
): EndedService | undefined {
  const asked = new Set<string>();
  for (const [name, service] of Object.entries(before?.services ?? {}))
    if (service.phase === 'stopping' || service.userStopped || service.healthFailure !== undefined)
      asked.add(name);
  let shuttingDown = before?.shuttingDown === true;
  for (const action of actions) {
    if (action.type === 'engine/shutting-down') shuttingDown = true;
    else if (STOP_ACTIONS.has(action.type) && 'service' in action) asked.add(action.service);
    else if (action.type === 'service/started') asked.delete(action.service);
    else if (action.type === 'service/exited' && !shuttingDown && !asked.has(action.service)) {
      const exit = { code: action.code, signal: action.signal, at: action.at };
      if (on === 'exit' || exit.code !== 0) return { service: action.service, exit };
    }
  }
  return undefined;
}

/** Actions after which an exit is devenv's doing (or the user's through devenv). */
const STOP_ACTIONS: ReadonlySet<EngineAction['type']> = new Set([
  'service/stopping',
  'service/killed',
  'service/health-failed',
]);

/**
 * Watches from now (before the stack begins, so that a one-shot task ending at once is seen) for
 * the first service whose run ends by itself.
 */
export function watchForEnd(engine: EngineController, on: AbortOn): Promise<EndedService> {
  return new Promise<EndedService>((resolve) => {
    let last = engine.getState();
    const unsubscribe = engine.subscribe((state, actions) => {
      const found = newlyEnded(last, actions, on);
      last = state;
      if (found === undefined) return;
      unsubscribe();
      resolve(found);
    });
  });
}

/**
 * Runs until a service's run ends by itself (or a stop request comes), and says which. The
 * stack is then stopped by `up`'s teardown, as Compose stops every container.
 */
export async function abortOnExit(options: {
  readonly ended: Promise<EndedService>;
  readonly reporter: Reporter;
  readonly stopRequest: { readonly requested: Promise<StopCause> };
  readonly on: AbortOn;
}): Promise<EndedService | StopCause> {
  const ended = await Promise.race([options.ended, options.stopRequest.requested]);
  if ('service' in ended) {
    const { code, signal } = ended.exit;
    const how = code !== null ? `exited with code ${code}` : `ended by ${signal}`;
    options.reporter.line(
      `${ended.service} ${how}: stopping everything (--abort-on-container-${options.on})`,
    );
  }
  return ended;
}
