import type { ServiceSignal } from '../engine/supervisor-options.js';
import {
  initialServiceState,
  isRunning,
  type EngineState,
  type ServiceState,
} from '../engine/service-state.js';
import type { Result } from '../../shared/result.js';
import type { SignalAnswer, SignalRequest, SignalResult } from './signal-protocol.js';

/** What `devenv kill|pause|unpause` need of the running stack. */
export interface SignalTarget {
  readonly store: {
    getState(): EngineState;
    subscribe(listener: (state: EngineState) => void): () => void;
  };
  readonly signal?:
    ((service: string, request: ServiceSignal) => Promise<Result<void, string>>) | undefined;
  note?(service: string, text: string): void;
}

/** How long a kill's answer waits for a run it ended to be gone (a SIGKILL takes milliseconds). */
const EXIT_WAIT_MS = 10_000;

/**
 * Applies a kill, pause or unpause to each named instance (`order`: in start order): kills and
 * pauses dependants first, unpauses dependencies first. A service that is not running gets a
 * failed result saying how to start it; a kill that ends a run answers once the run is gone, so
 * `devenv ps` right after it shows the service stopped.
 */
export async function signalServices(
  target: SignalTarget,
  order: readonly string[],
  request: SignalRequest,
): Promise<SignalAnswer> {
  const results = new Map<string, SignalResult>();
  const sequence = request.action === 'unpause' ? order : [...order].reverse();
  for (const name of sequence) results.set(name, await signalOne(target, name, request));
  return {
    action: request.action,
    signal: request.action === 'kill' ? request.signal : null,
    results: Object.fromEntries(order.map((name) => [name, results.get(name)!])),
  };
}

async function signalOne(
  target: SignalTarget,
  name: string,
  request: SignalRequest,
): Promise<SignalResult> {
  const before = serviceOf(target, name);
  if (!isRunning(before.phase))
    return result(
      before,
      false,
      `not running (${before.phase}): nothing to ${request.action}; \`devenv start ${name}\` starts it`,
    );
  if (request.action === 'pause' && before.paused) return result(before, true, 'already paused');
  if (request.action === 'unpause' && !before.paused)
    return result(before, false, 'not paused: nothing to unpause');
  if (!target.signal) return result(before, false, `this devenv cannot ${request.action} services`);
  const what: ServiceSignal =
    request.action === 'kill' ? { kind: 'kill', signal: request.signal } : { kind: request.action };
  target.note?.(name, `${describe(request)} by \`devenv ${request.action}\``);
  const done = await target.signal(name, what);
  if (!done.ok)
    return result(serviceOf(target, name), false, `cannot ${request.action}: ${done.error}`);
  if (request.action !== 'kill') return result(serviceOf(target, name), true, `${request.action}d`);
  const ended = serviceOf(target, name).userStopped;
  if (!ended) return result(serviceOf(target, name), true, `sent ${request.signal}`);
  const after = await gone(target, name);
  return result(
    after,
    true,
    isRunning(after.phase)
      ? `sent ${request.signal}; still running after ${EXIT_WAIT_MS / 1000} s (it stays down once it exits)`
      : `sent ${request.signal}: ${after.lastExit?.signal ? `killed by ${after.lastExit.signal}` : `exited with code ${after.lastExit?.code}`}; stays down until started`,
  );
}

function describe(request: SignalRequest): string {
  return request.action === 'kill' ? `${request.signal} sent` : `${request.action} requested`;
}

/** The service once its run has ended, or as it is after EXIT_WAIT_MS. */
function gone(target: SignalTarget, name: string): Promise<ServiceState> {
  const done = (s: ServiceState) => !isRunning(s.phase);
  if (done(serviceOf(target, name))) return Promise.resolve(serviceOf(target, name));
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      unsubscribe();
      resolve(serviceOf(target, name));
    };
    const timer = setTimeout(finish, EXIT_WAIT_MS);
    const unsubscribe = target.store.subscribe((state) => {
      const now = state.services[name];
      if (!now || done(now)) finish();
    });
  });
}

/** The service as it is now (or, scaled away meanwhile, as it was last seen stopped). */
function serviceOf(target: SignalTarget, name: string): ServiceState {
  return (
    target.store.getState().services[name] ?? { ...initialServiceState(name), phase: 'stopped' }
  );
}

function result(s: ServiceState, ok: boolean, message: string): SignalResult {
  return { ok, phase: s.phase, pid: s.pid ?? null, paused: s.paused, message };
}
