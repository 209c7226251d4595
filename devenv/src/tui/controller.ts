import type { EngineState } from '../engine/service-state.js';
import type { LogBus } from '../logbus/log-bus.js';
import type { Stack } from '../model/stack.js';
import type { LoadStatus } from '../load/load-runner.js';
import type { Result } from '../result.js';
import type { TestRun } from '../reload/related-tests.js';
import type { ReloadBlock } from '../reload/reloader.js';
import type { TemporalOverview } from '../temporal/temporal-overview.js';

/**
 * What the TUI may read and do. The in-process engine implements it (`engineController`); a remote
 * client could too, so the TUI never reaches into the supervisor or the store directly.
 */
export interface DevenvController {
  readonly projectName: string;
  readonly stack: Stack;
  getState(): EngineState;
  /** Called after state changes (batched by the store); returns the unsubscribe function. */
  subscribe(onChange: () => void): () => void;
  readonly logs: Pick<LogBus, 'tail' | 'search' | 'subscribe'>;
  restart(service: string): Promise<void>;
  stop(service: string): Promise<void>;
  start(service: string): void;
  /** The Temporal panel's latest reading, or undefined (no Temporal in the stack, or not read yet). */
  temporal(): TemporalOverview | undefined;
  /** Why the last reload did not happen (banner), or undefined. */
  reloadBlock(): ReloadBlock | undefined;
  /** The user accepts the blocked breaking proto change; the next reload goes through. */
  acceptBreaking(): void;
  /** Test-on-save: the latest run while on, undefined while off (or without a watcher). */
  tests(): TestRun | undefined;
  /** `t`: turns test-on-save on or off; returns whether it is on. */
  toggleTests(): boolean;
  /** `k`: the k6 profiles in loadtest/profiles/, lightest first. */
  loadProfiles(): readonly string[];
  /** Starts a load profile in the background; refused (with the reason) while one runs. */
  startLoad(
    profile: string,
  ): { readonly started: true } | { readonly started: false; reason: string };
  /** Stops the running load test; false when none runs. */
  stopLoad(): boolean;
  /** The running or last load test, or undefined. */
  load(): LoadStatus | undefined;
  /** `o`: hands a URL to the browser; the error says why it could not (the TUI shows the URL). */
  openUrl(url: string): Promise<Result<void, string>>;
  /** Stops everything; settles when all is down. */
  quit(): Promise<void>;
}
