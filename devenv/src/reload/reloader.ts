import type { BreakingOutcome } from '../proto/checks.js';
import type { GenerateOutcome } from '../proto/generate.js';
import { describeProtoFailure, type ProtoFailure } from '../proto/proto-failure.js';
import type { Result } from '../../shared/result.js';
import type { EngineState } from '../engine/service-state.js';
import type { HotSwapOutcome } from './hot-swap.js';
import type { ReloadPlan } from './plan.js';

/** The proto steps a reload runs; the real ones are devenv/src/proto's, bound to the project. */
export interface ProtoSteps {
  lint(): Promise<Result<void, ProtoFailure>>;
  breaking(): Promise<Result<BreakingOutcome, ProtoFailure>>;
  generate(): Promise<Result<GenerateOutcome, ProtoFailure>>;
}

/** Why a reload did not happen: shown in a banner until the next reload succeeds. */
export type ReloadBlock =
  /** The service's reload guard failed (e.g. replaying open workflows hit non-determinism). */
  | { readonly reason: 'guard-failed'; readonly service: string; readonly detail: string }
  /** The running service could not load the changed code (e.g. a syntax error); it runs the old. */
  | { readonly reason: 'hot-reload-refused'; readonly service: string; readonly detail: string }
  | { readonly reason: 'proto-lint'; readonly detail: string }
  | { readonly reason: 'proto-breaking'; readonly detail: string }
  | { readonly reason: 'proto-generate'; readonly detail: string };

export interface ReloaderOptions {
  readonly proto: ProtoSteps;
  restart(service: string): Promise<void>;
  /** Asks the running service to take the change itself (`x-devenv.hot_reload`). */
  hotSwap(service: string, paths: readonly string[]): Promise<HotSwapOutcome>;
  /** Runs the service's reload guard; an error carries what the guard said. */
  guard(service: string): Promise<Result<void, string>>;
  getState(): EngineState;
  /** A line for people (devenv's own log). */
  note(text: string): void;
  /** The current block, or undefined once a reload went through. */
  onBlock(block: ReloadBlock | undefined): void;
}

export interface Reloader {
  /** Applies plans one at a time; a plan arriving meanwhile waits, merged with any others. */
  apply(plan: ReloadPlan): Promise<void>;
  /** The next breaking proto change is accepted (the user pressed the key on the banner). */
  acceptBreaking(): void;
}

export function createReloader(options: ReloaderOptions): Reloader {
  const steps = new ReloadSteps(options);
  let running: Promise<void> | undefined;
  let queued: ReloadPlan | undefined;

  const drain = async (): Promise<void> => {
    while (queued) {
      const next = queued;
      queued = undefined;
      await steps.run(next);
    }
    running = undefined;
  };

  return {
    apply: (plan) => {
      queued = queued ? merge(queued, plan) : plan;
      running ??= drain();
      return running;
    },
    acceptBreaking: () => steps.acceptBreaking(),
  };
}

/** One plan's steps: protos first, then guarded restarts and hot swaps side by side. */
class ReloadSteps {
  readonly #options: ReloaderOptions;
  #acceptBreaking = false;

  constructor(options: ReloaderOptions) {
    this.#options = options;
  }

  acceptBreaking(): void {
    this.#acceptBreaking = true;
  }

  async run(plan: ReloadPlan): Promise<void> {
    const options = this.#options;
    if (plan.protos.length > 0) {
      const blocked = await this.#protoStep(plan);
      if (blocked) {
        options.onBlock(blocked);
        options.note(`reload blocked (${blocked.reason}): ${blocked.detail}`);
        return;
      }
    }
    options.onBlock(undefined);
    const state = options.getState();
    // Only what is meant to run: a service the user stopped, or one that cannot run here, stays as it is.
    const eligible = (name: string) => {
      const s = state.services[name];
      return (
        s !== undefined && !s.userStopped && s.phase !== 'unavailable' && s.phase !== 'blocked'
      );
    };
    // A hot swap needs a service that is up; one still starting or failing restarts instead.
    const hot = plan.hotReload.filter((name) => state.services[name]?.phase === 'healthy');
    const targets = [
      ...plan.restart.filter(eligible),
      ...plan.hotReload.filter((name) => eligible(name) && !hot.includes(name)),
    ];
    const [swaps] = await Promise.all([
      Promise.all(
        hot.map(async (name) => ({ name, outcome: await this.#guardedSwap(plan, name) })),
      ),
      this.#restartGuarded(plan, targets),
    ]);
    const fallBack = this.#reportSwaps(swaps);
    if (fallBack.length > 0) await Promise.all(fallBack.map((name) => options.restart(name)));
  }

  /** Notes how each swap went; the services that could not swap in place, to restart. */
  #reportSwaps(swaps: readonly { name: string; outcome: HotSwapOutcome | undefined }[]): string[] {
    const options = this.#options;
    const fallBack: string[] = [];
    for (const { name, outcome } of swaps) {
      if (outcome === undefined) continue; // its guard refused the change
      if (outcome.kind === 'swapped') options.note(`${name} reloaded in place (${outcome.detail})`);
      else if (outcome.kind === 'refused') {
        options.onBlock({ reason: 'hot-reload-refused', service: name, detail: outcome.detail });
        options.note(`${name} kept its running code: the change did not load: ${outcome.detail}`);
      } else {
        options.note(`${name} cannot reload in place (${outcome.detail}); restarting it`);
        fallBack.push(name);
      }
    }
    return fallBack;
  }

  /** The service's guard (when the plan says so), then the swap; undefined: the guard refused. */
  async #guardedSwap(plan: ReloadPlan, name: string): Promise<HotSwapOutcome | undefined> {
    if (plan.guarded.includes(name)) {
      const verdict = await this.#options.guard(name);
      if (!verdict.ok) {
        this.#guardRefused(name, verdict.error);
        return undefined;
      }
    }
    return this.#options.hotSwap(name, plan.hotPaths[name] ?? []);
  }

  #guardRefused(name: string, detail: string): void {
    this.#options.onBlock({ reason: 'guard-failed', service: name, detail });
    this.#options.note(`reload of ${name} blocked, the running one keeps serving: ${detail}`);
  }

  /** Restarts `targets`; a guarded one whose guard fails keeps its old process serving. */
  async #restartGuarded(plan: ReloadPlan, targets: readonly string[]): Promise<void> {
    const options = this.#options;
    if (targets.length === 0) return;
    const verdicts = await Promise.all(
      targets.map(async (name) =>
        plan.guarded.includes(name)
          ? { name, guard: await options.guard(name) }
          : { name, guard: undefined },
      ),
    );
    const failed = verdicts.find((v) => v.guard !== undefined && !v.guard.ok);
    if (failed?.guard && !failed.guard.ok) this.#guardRefused(failed.name, failed.guard.error);
    const go = verdicts.filter((v) => v.guard === undefined || v.guard.ok).map((v) => v.name);
    if (go.length === 0) return;
    options.note(`reloading ${go.join(', ')}`);
    await Promise.all(go.map((name) => options.restart(name)));
  }

  /** Lint, breaking check (unless accepted once) and generation; the block, if any step fails. */
  async #protoStep(plan: ReloadPlan): Promise<ReloadBlock | undefined> {
    const options = this.#options;
    const lint = await options.proto.lint();
    if (!lint.ok) return { reason: 'proto-lint', detail: describeProtoFailure(lint.error) };
    const breaking = await options.proto.breaking();
    if (!breaking.ok) {
      if (!this.#acceptBreaking) {
        return {
          reason: 'proto-breaking',
          detail: `${describeProtoFailure(breaking.error)}\n(press b to accept the breaking change)`,
        };
      }
      options.note('breaking proto change accepted');
    }
    this.#acceptBreaking = false;
    const generated = await options.proto.generate();
    if (!generated.ok)
      return { reason: 'proto-generate', detail: describeProtoFailure(generated.error) };
    if (generated.value.kind === 'generated') {
      options.note(
        `regenerated ${generated.value.written.length} file(s) from ${plan.protos.length} changed .proto`,
      );
    }
    return undefined;
  }
}

function merge(a: ReloadPlan, b: ReloadPlan): ReloadPlan {
  const restart = [...new Set([...a.restart, ...b.restart])];
  return {
    protos: [...new Set([...a.protos, ...b.protos])],
    restart,
    // A service that one batch restarts anyway needs no swap as well.
    hotReload: [...new Set([...a.hotReload, ...b.hotReload])].filter((n) => !restart.includes(n)),
    hotPaths: Object.fromEntries(
      [...new Set([...Object.keys(a.hotPaths), ...Object.keys(b.hotPaths)])].map((n) => [
        n,
        [...new Set([...(a.hotPaths[n] ?? []), ...(b.hotPaths[n] ?? [])])],
      ]),
    ),
    guarded: [...new Set([...a.guarded, ...b.guarded])],
    unmatched: [...new Set([...a.unmatched, ...b.unmatched])],
  };
}
