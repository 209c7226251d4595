import type { Prober } from '../health/probe.js';
import type { LogStream } from '../logbus/log-record.js';
import type { Stack } from '../model/stack.js';
import type { Leftover, Runtime, RuntimeKind } from '../runtime/runtime.js';
import type { Result } from '../../shared/result.js';
import type { Clock } from './clock.js';
import type { Store } from './store.js';

export type RuntimeChoice = RuntimeKind | 'auto';

/** Where service output and devenv's own lines about services go. */
export interface ServiceLog {
  write(service: string, stream: LogStream, chunk: Buffer): void;
  append(service: string, stream: LogStream, text: string): void;
}

/** Records what is running so a later devenv can reap it if this one is killed. */
export interface LeftoverRecorder {
  record(service: string, leftover: Leftover): void;
  forget(service: string): void;
}

export interface SupervisorOptions {
  readonly stack: Stack;
  readonly runtimes: Partial<Record<RuntimeKind, Runtime>>;
  readonly runtimeFor: (service: string) => RuntimeChoice;
  readonly prober: Prober;
  readonly log: ServiceLog;
  readonly leftovers: LeftoverRecorder;
  readonly clock?: Clock;
  /** In [0, 1), for the backoff's jitter. */
  readonly random?: () => number;
  /**
   * Aborted as shutdown begins, so that installs and image builds in flight end at once instead
   * of being waited for (up to an installer's 15 minutes); pass the same controller's signal to
   * the toolchain. The supervisor makes its own when none is given.
   */
  readonly abort?: AbortController;
}

/** `devenv kill|pause|unpause`. */
export type ServiceSignal =
  | { readonly kind: 'kill'; readonly signal: NodeJS.Signals }
  | { readonly kind: 'pause' }
  | { readonly kind: 'unpause' };

export interface Supervisor {
  readonly store: Store;
  /** Starts supervising: services start as soon as their dependencies allow. */
  begin(): void;
  restart(service: string): Promise<void>;
  stop(service: string): Promise<void>;
  start(service: string): void;
  /**
   * Signals, pauses or resumes a running service; why not, when it has no run or its runtime
   * refused. A kill that ends the run (runtime/signal-names.ts) leaves it down, as a stop does;
   * a paused service's probes wait until it is unpaused.
   */
  signal(service: string, request: ServiceSignal): Promise<Result<void, string>>;
  /**
   * Supervises `stack` from now on (`devenv scale`): instances it adds start as their
   * dependencies allow, instances it no longer has stop; the others are not touched.
   */
  rescale(stack: Stack): Promise<void>;
  /** Stops everything, dependants before their dependencies; settles when all is gone. */
  shutdown(): Promise<void>;
}
