/**
 * POST /reload of the TypeScript worker (HOT_RELOAD=1): devenv's swap requests, which name the
 * changed files, and the determinism guard's prepare and discard requests around its replay.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Activities } from './activities/index.js';
import type { ReloadAnswer } from './health.js';
import { preparationOf, reloadTargets } from './reload-request.js';
import type { ReplaceableWorker, SwapOutcome } from './replaceable-worker.js';
import { WORKFLOWS_PATH } from './worker-setup.js';

/** The two replaceable Workers of the worker process. */
export interface Workers {
  readonly workflows: ReplaceableWorker<{ readonly code: string }>;
  readonly activities: ReplaceableWorker<Activities>;
}

const CODE_DIRS = {
  workflows: dirname(WORKFLOWS_PATH),
  activities: fileURLToPath(new URL('./activities', import.meta.url)),
  root: process.cwd(),
};

/**
 * `guardedBundle`: the bundle the guard replays, by its code's SHA-256 (from the bundle cache;
 * worker-setup.ts guardedWorkflowBundle).
 */
export async function answerReload(
  workers: Workers | undefined,
  body: string,
  guardedBundle: (codeSha256: string) => Promise<{ readonly code: string }>,
): Promise<ReloadAnswer> {
  if (!workers) return { ok: false, status: 501, error: 'the worker is still starting' };
  const preparation = preparationOf(body);
  if (preparation?.kind === 'prepare') {
    // Answered at once: the guard replays meanwhile; the swap that follows waits for this Worker.
    void workers.workflows.prepare(() => guardedBundle(preparation.codeSha256), {
      ...(preparation.bundleMs === undefined ? {} : { guardBundleMs: preparation.bundleMs }),
      ...(preparation.bundleCpuMs === undefined
        ? {}
        : { guardBundleCpuMs: preparation.bundleCpuMs }),
    });
    return { ok: true, body: { preparing: 'workflows' } };
  }
  if (preparation?.kind === 'discard')
    return { ok: true, body: { discarded: await workers.workflows.discardPrepared() } };
  return swapChanged(workers, body);
}

/** Replaces the Workers whose code changed (reload-request.ts says which). */
async function swapChanged(workers: Workers, body: string): Promise<ReloadAnswer> {
  const targets = reloadTargets(body, CODE_DIRS);
  if (!targets.ok) return targets;
  const started = performance.now();
  const chosen = [
    ...(targets.workflows ? [['workflows', workers.workflows] as const] : []),
    ...(targets.activities ? [['activities', workers.activities] as const] : []),
  ];
  const outcomes = await Promise.all(
    chosen.map(async ([name, worker]) => ({ name, outcome: await worker.swap() })),
  );
  const failed = outcomes.filter(
    (o): o is { name: (typeof o)['name']; outcome: Extract<SwapOutcome, { ok: false }> } =>
      !o.outcome.ok,
  );
  if (failed.length > 0)
    return {
      ok: false,
      status: 422,
      error: failed.map((f) => `${f.name} code: ${f.outcome.error}`).join('\n'),
    };
  const reloaded = outcomes
    .map(
      (o) =>
        `${o.name} (generation ${o.outcome.ok ? o.outcome.generation : '?'}${o.outcome.ok && o.outcome.prepared ? ', prepared during the guard' : ''})`,
    )
    .join(' and ');
  return {
    ok: true,
    body: { reloaded: reloaded || 'nothing', ms: Math.round(performance.now() - started) },
  };
}
