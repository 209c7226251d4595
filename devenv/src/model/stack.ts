import type { VolumeMount } from './volumes.js';
import type { ContainerOptions } from './container-options.js';
import type { FileMount } from './container-files.js';
import type { ToolId } from '../versions/tool-ids.js';
import type { ProbeCheck, ProbeKind } from '../health/probe-kinds.js';

/**
 * The stack model: what compose/compose.yaml says, resolved (variables interpolated, short
 * syntax expanded, defaults applied, dependencies checked). Immutable; produced by `loadStack`.
 */
export interface Stack {
  /** Compose project name (`name:` or the directory name), used in labels and the session file. */
  readonly projectName: string;
  /** The compose file(s) as given, for messages. */
  readonly files: readonly string[];
  /** Directory relative paths in the file are resolved against (the first file's directory). */
  readonly projectDir: string;
  /** Active services (profiles applied), by name, in file order. */
  readonly services: Readonly<Record<string, ServiceSpec>>;
  /** Service names in dependency order: every service after all it depends on. */
  readonly startOrder: readonly string[];
  /** The whole interpolated document, unknown fields kept, for the docker runtime and `devenv config`. */
  readonly document: Readonly<Record<string, unknown>>;
}

export type DependencyCondition =
  'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface Dependency {
  readonly condition: DependencyCondition;
  /** Compose's `required: false`: a missing or disabled dependency is not an error. */
  readonly required: boolean;
  /** Compose's `restart: true`: restart this service when the dependency restarts. */
  readonly restart: boolean;
}

export interface PortMapping {
  /**
   * The host port; undefined: published on a port the Engine picks (Compose's `"80"`). With
   * `hostEnd`, the first of a range the Engine picks one free port from (`"6005-6015:80"`).
   */
  readonly host: number | undefined;
  /** The last port of a host range for a single container port; absent: just `host`. */
  readonly hostEnd?: number;
  readonly container: number;
  readonly hostIp: string | undefined;
  readonly protocol: 'tcp' | 'udp';
}

export interface Healthcheck {
  /**
   * As Compose: `['CMD', ...]`, `['CMD-SHELL', 'cmd']`; a string becomes CMD-SHELL; `['NONE']`
   * (also `disable: true`) switches the image's HEALTHCHECK off; `[]` keeps the image's test.
   */
  readonly test: readonly string[];
  /**
   * The timings as written; undefined: unset, so the image's HEALTHCHECK timing applies (Docker's
   * default without one: 30 s interval and timeout, 3 retries, 5 s start interval), as Compose
   * sends 0 for an unset field.
   */
  readonly intervalMs?: number | undefined;
  readonly timeoutMs?: number | undefined;
  readonly retries?: number | undefined;
  readonly startPeriodMs?: number | undefined;
  readonly startIntervalMs?: number | undefined;
}

export type WatchAction = 'sync' | 'rebuild' | 'sync+restart' | 'restart' | 'sync+exec';

export interface WatchRule {
  /** Absolute path watched. */
  readonly path: string;
  readonly action: WatchAction;
  readonly target: string | undefined;
  readonly ignore: readonly string[];
}

// Probe kinds and their checks are defined in health/probe-kinds.ts; timing defaults live in the schema.
export type { ProbeCheck, ProbeKind };

export interface ProbeSpec {
  readonly check: ProbeCheck;
  readonly periodMs: number;
  readonly timeoutMs: number;
  /** Consecutive failures before a ready service counts as unhealthy. */
  readonly failureThreshold: number;
  /** How long a starting service may take to become ready before it counts as failed. */
  readonly startTimeoutMs: number;
  /**
   * Restart the service (with the crash backoff, whatever its `restart` policy) when it misses its
   * start timeout or turns unhealthy after being ready; false: keep it running as unhealthy.
   */
  readonly restartUnhealthy: boolean;
}

export interface NativeSpec {
  /** argv; the first element is an executable or a toolchain tool's executable name. */
  readonly command: readonly string[];
  /** Resolved through the toolchain (versions.yaml) instead of PATH. */
  readonly tool: ToolId | undefined;
  /** Other tools the command needs (e.g. a launcher that runs `postgres`): unavailable without them. */
  readonly requires: readonly ToolId[];
  /** Absolute working directory. */
  readonly cwd: string;
  /** Extra environment for the native process only (on top of `environment`). */
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * A command that must exit 0 before devenv restarts the service for a change under `paths`; the
 * TypeScript worker's replays open workflows against the changed workflow code.
 */
export interface ReloadGuard {
  readonly command: readonly string[];
  /** Absolute paths the guard covers. */
  readonly paths: readonly string[];
  readonly cwd: string;
  /** Stays up between checks, one JSON line per "check" line (warm, hence fast). */
  readonly serve: boolean;
}

/** `x-devenv.hot_reload`: changes under `paths` are applied by POST `url`, not a restart. */
export interface HotReload {
  /** Absolute paths the service reloads in place. */
  readonly paths: readonly string[];
  readonly url: string;
}

/** devenv's own fields, under the service's `x-devenv` key. */
export interface DevenvExtension {
  /** How to run the service as a local process; undefined: docker runtime only. */
  readonly native: NativeSpec | undefined;
  readonly probe: ProbeSpec | undefined;
  readonly reloadGuard: ReloadGuard | undefined;
  readonly hotReload: HotReload | undefined;
  /** TUI grouping, e.g. `platform`, `workers`, `observability`. */
  readonly group: string;
  /** An optional service never blocks the rest: when unavailable its dependants still start. */
  readonly optional: boolean;
  /** The service's page for a person (`x-devenv.url`), opened by the TUI's `o`. */
  readonly url: string | undefined;
}

export interface ServiceSpec {
  readonly name: string;
  readonly image: string | undefined;
  /** `build` as Compose has it (context, dockerfile, args, …), resolved paths. */
  readonly build: Readonly<Record<string, unknown>> | undefined;
  readonly command: readonly string[] | undefined;
  readonly entrypoint: readonly string[] | undefined;
  readonly environment: Readonly<Record<string, string>>;
  /**
   * `environment` keys with no value and no variable to take one from: Compose unsets them in the
   * container (the docker runtime removes them from the image's ENV); not in `environment`.
   */
  readonly unsetEnvironment?: readonly string[];
  /** `user:` (`uid[:gid]` or a name), for the docker runtime; a native process runs as devenv. */
  readonly user?: string | undefined;
  /**
   * `labels` over what the `label_file`s give, as compose-go resolves them; absent when the service
   * has neither. The docker runtime labels the container with them (its own labels win).
   */
  readonly labels?: Readonly<Record<string, string>>;
  readonly ports: readonly PortMapping[];
  /** Mounts for the docker runtime; a native process sees the host's files directly. */
  readonly volumes: readonly VolumeMount[];
  /** The container options the docker runtime applies (stop_signal, shm_size, …); absent: none set. */
  readonly container?: ContainerOptions;
  /** `secrets` and `configs` as files in the container; absent: none. */
  readonly files?: readonly FileMount[];
  readonly dependsOn: Readonly<Record<string, Dependency>>;
  readonly healthcheck: Healthcheck | undefined;
  readonly profiles: readonly string[];
  readonly restart: 'no' | 'always' | 'on-failure' | 'unless-stopped';
  /** `on-failure:N`'s N, kept for `devenv config`; the supervisor's backoff does not count retries. */
  readonly restartMaxRetries?: number;
  readonly stopGracePeriodMs: number;
  readonly workingDir: string | undefined;
  readonly watch: readonly WatchRule[];
  readonly devenv: DevenvExtension;
  /** `scale` / `deploy.replicas` when not 1 (model/replicas.ts runs that many instances). */
  readonly replicas?: number;
  /** On an instance of a replicated service: which service, and which replica (from 1). */
  readonly replicaOf?: ReplicaOf;
}

export interface ReplicaOf {
  readonly service: string;
  readonly index: number;
}
