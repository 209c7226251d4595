import type { Result } from '../../shared/result.js';
import type { ServiceSpec } from '../model/stack.js';
import type { LogStream } from '../logbus/log-record.js';
import type { EngineHealth } from './engine-health.js';
import type { Unavailable } from './unavailable.js';

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
  /**
   * The stop signal (`stop_signal:`, SIGTERM by default; a container's stop), then after `graceMs`
   * SIGKILL; settles once everything is gone. A paused service is resumed to receive it.
   */
  stop(graceMs: number): Promise<ExitStatus>;
  /**
   * `devenv kill`: sends `signal` to the process group (the container's main process). Absent
   * where a runtime cannot signal its services (a test double).
   */
  signal?(signal: NodeJS.Signals): Promise<Result<void, string>>;
  /** `devenv pause`: freezes every process of the service (SIGSTOP; `docker pause`). */
  pause?(): Promise<Result<void, string>>;
  /** `devenv unpause`: lets a paused service run again (SIGCONT; `docker unpause`). */
  unpause?(): Promise<Result<void, string>>;
  /**
   * A container's health as the Engine's healthcheck judges it (undefined when the Engine does not
   * answer); absent for a native process, which has no Engine to ask.
   */
  engineHealth?(): Promise<EngineHealth | undefined>;
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
  /** The service's `stop_signal:` (natively; a container has its own): SIGTERM when unset. */
  readonly stopSignal?: NodeJS.Signals | undefined;
}

export type { Unavailable } from './unavailable.js';

/** Why a runtime did not start a service its check had passed. */
export type StartFailure =
  /** The check's answer changed since (a tool or executable is gone). */
  | { readonly reason: 'unavailable'; readonly why: string }
  /** The executable would not spawn (ENOENT, EACCES, …). */
  | { readonly reason: 'spawn-failed'; readonly executable: string; readonly message: string }
  /** Neither `image:` nor `build:` names anything to run. */
  | { readonly reason: 'nothing-to-run' }
  /** `build:` cannot be built as written, or the build failed. */
  | { readonly reason: 'image-build-failed'; readonly detail: string }
  /** A volume declared `external: true` does not exist; devenv never creates one. */
  | { readonly reason: 'external-volume-missing'; readonly volume: string }
  /** A container that is not this project's already has the service's container name. */
  | { readonly reason: 'container-name-taken'; readonly name: string }
  /** The Engine refused a volume, network or container call. */
  | { readonly reason: 'engine-refused'; readonly detail: string };

/** A start failure as the service's row and log show it. */
export function describeStartFailure(failure: StartFailure): string {
  switch (failure.reason) {
    case 'unavailable':
      return failure.why;
    case 'spawn-failed':
      return `cannot start ${failure.executable}: ${failure.message}`;
    case 'nothing-to-run':
      return 'the service has neither image: nor build:, so there is nothing to run';
    case 'image-build-failed':
    case 'engine-refused':
      return failure.detail;
    case 'external-volume-missing':
      return `external volume ${failure.volume} does not exist: create it (docker volume create ${failure.volume}) or drop external: true`;
    case 'container-name-taken':
      return `a container named ${failure.name} exists and is not devenv's: remove or rename it (docker rm ${failure.name})`;
  }
}

/** Where a service runs: `native` (a process group) or `docker` (a container). */
export type RuntimeKind = Runtime['kind'];

export interface Runtime {
  readonly kind: 'native' | 'docker';
  /** Whether this runtime can run the service here (tool or image present); cheap enough to call per start. */
  check(spec: ServiceSpec): Promise<Result<void, Unavailable>>;
  start(spec: ServiceSpec, ctx: StartContext): Promise<Result<ServiceHandle, StartFailure>>;
}
