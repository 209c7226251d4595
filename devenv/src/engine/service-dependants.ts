import type { Stack } from '../model/stack.js';
import { dependantsRestartedWith } from './restart-policy.js';
import { isRunning, type EngineState } from './service-state.js';

/**
 * Pure: after `name` exited to come back, the dependants to stop now and start again with it:
 * those restarted with it that are running, or crashed (their crash streak is forgiven).
 */
export function dependantsToRestartAfterExit(
  state: EngineState,
  stack: Stack,
  name: string,
): string[] {
  return dependantsRestartedWith(stack, name).filter((d) => {
    const phase = state.services[d]?.phase;
    return phase !== undefined && (isRunning(phase) || phase === 'crashed');
  });
}

export interface RestartPlan {
  /** Stopped first, as shutdown does: dependants before what they depend on. */
  readonly stopDependants: readonly string[];
  readonly stopService: boolean;
  /** Back to pending, all together: they start again in dependency order. */
  readonly requeue: readonly string[];
}

/** Pure: what `devenv restart <name>` does, or undefined when there is nothing to restart. */
export function restartPlan(
  state: EngineState,
  stack: Stack,
  name: string,
): RestartPlan | undefined {
  const phase = state.services[name]?.phase;
  if (phase === undefined || state.shuttingDown) return undefined;
  const dependants = dependantsRestartedWith(stack, name).filter((d) => {
    const p = state.services[d]?.phase;
    return p !== undefined && isRunning(p);
  });
  return {
    stopDependants: dependants,
    stopService: isRunning(phase),
    requeue: [name, ...dependants],
  };
}

/** Pure: the services that depend on `name` directly: at shutdown they stop before it does. */
export function directDependants(stack: Stack, name: string): string[] {
  return stack.startOrder.filter((other) => stack.services[other]?.dependsOn[name] !== undefined);
}
