import type { Result } from '../result.js';
import type { ServiceSpec } from '../model/stack.js';
import type { LogStream } from '../logbus/log-record.js';

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: string | null;
}

/** A started service: a process group or a container. */
export interface ServiceHandle {
  readonly pid: number | undefined;
  readonly containerId: string | undefined;
  /** What the session file needs to find and kill it after devenv itself was killed. */
  readonly leftover: Leftover;
  /** Settles once the service is gone (never rejects). */
  readonly exited: Promise<ExitStatus>;
  /** SIGTERM (or the container's stop), then after `graceMs` SIGKILL; settles once everything is gone. */
  stop(graceMs: number): Promise<ExitStatus>;
}

/** A trace of a running service that survives devenv: enough to reap it at the next start. */
export type Leftover =
  | {
      readonly kind: 'process-group';
      readonly pgid: number;
      readonly startTicks: number | undefined;
    }
  | { readonly kind: 'container'; readonly id: string };

export interface StartContext {
  /** Receives the service's raw output; must not block. */
  readonly output: (stream: LogStream, chunk: Buffer) => void;
  /** Aborted when devenv stops: an image build in flight ends instead of being waited for. */
  readonly signal?: AbortSignal | undefined;
}

/** Why a service cannot run on a runtime here, and what to do about it. */
export interface Unavailable {
  readonly reason: string;
}

/** Where a service runs: `native` (a process group) or `docker` (a container). */
export type RuntimeKind = Runtime['kind'];

export interface Runtime {
  readonly kind: 'native' | 'docker';
  /** Whether this runtime can run the service here (tool or image present); cheap enough to call per start. */
  check(spec: ServiceSpec): Promise<Result<void, Unavailable>>;
  start(spec: ServiceSpec, ctx: StartContext): Promise<Result<ServiceHandle, string>>;
}
