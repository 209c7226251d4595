import type { RuntimeKind } from '../runtime/runtime.js';
import type { PanelAction } from './panels.js';
import type { HealthFailure } from './service-state.js';

/** Everything that can change engine state. The reducer is the only place that applies them. */
export type EngineAction =
  | { readonly type: 'service/unavailable'; readonly service: string; readonly reason: string }
  | { readonly type: 'service/blocked'; readonly service: string; readonly reason: string }
  | {
      readonly type: 'service/started';
      readonly service: string;
      readonly runtime: RuntimeKind;
      readonly pid: number | undefined;
      readonly containerId: string | undefined;
      readonly at: number;
    }
  | {
      readonly type: 'service/probed';
      readonly service: string;
      readonly ok: boolean;
      readonly detail: string;
      readonly at: number;
      readonly failureThreshold: number;
    }
  /** devenv is stopping it for failing its probe (start timeout, or unhealthy after ready). */
  | {
      readonly type: 'service/health-failed';
      readonly service: string;
      readonly failure: HealthFailure;
    }
  | {
      readonly type: 'service/start-failed';
      readonly service: string;
      readonly reason: string;
      readonly at: number;
    }
  | {
      readonly type: 'service/exited';
      readonly service: string;
      readonly code: number | null;
      readonly signal: string | null;
      readonly at: number;
      /** When the restart policy wants it back: the time of the next start. */
      readonly restartAt: number | undefined;
    }
  | { readonly type: 'service/stopping'; readonly service: string; readonly userRequested: boolean }
  /** `devenv kill` with a signal that ends the run for good: when it exits, it stays down. */
  | { readonly type: 'service/killed'; readonly service: string }
  /** `devenv pause` / `devenv unpause`. */
  | { readonly type: 'service/paused'; readonly service: string; readonly paused: boolean }
  | { readonly type: 'service/stopped'; readonly service: string; readonly at: number }
  /** Back to pending: a backoff ran out, or the user asked for a (re)start (which forgives past crashes). */
  | {
      readonly type: 'service/requeued';
      readonly service: string;
      readonly cause: 'backoff' | 'user';
    }
  | { readonly type: 'engine/shutting-down' }
  /** `devenv scale`: instances added (pending) or removed (stopped first), in the new start order. */
  | { readonly type: 'engine/instances-changed'; readonly order: readonly string[] }
  | PanelAction;
