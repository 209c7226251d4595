import { join } from 'node:path';
import { selectServices } from '../../engine/select-services.js';
import type { RunStack } from '../../model/replicas.js';
import { deepFreeze } from '../../model/tree.js';
import { STACK_CACHE_FORMAT } from '../../stack-cache/dependencies.js';
import { loadRecorder } from '../../stack-cache/recorder.js';
import { sourceFingerprint } from '../../stack-cache/source-fingerprint.js';
import { cacheFile, currentFileState, lookUp, store } from '../../stack-cache/stack-cache-store.js';
import type { Versions } from '../../versions/versions-file.js';
import type { CommandContext } from '../command.js';
import { loadStackFromFlags, stackLoadOptions } from '../stack-options.js';
import { UsageError } from '../usage-error.js';
import { UP_USAGE, type UpOptions } from './up-options.js';

/** What `up` needs before its first spawn: the selected, expanded stack and versions.yaml. */
export interface UpStack {
  readonly stack: RunStack;
  readonly versions: Versions;
}

/** `DEVENV_STACK_CACHE=off` loads the stack every time; `explain` says whether the cache served. */
export const STACK_CACHE_VAR = 'DEVENV_STACK_CACHE';

/**
 * The stack `up` runs, from .devenv/cache/stack/ while nothing it was loaded from has changed
 * (stack-cache/): a hit needs neither the model code nor zod nor yaml, ~40 % of devenv's start.
 * A miss loads as any command does and caches the result. Undefined once problems are printed.
 */
export async function loadUpStack(
  options: UpOptions,
  ctx: CommandContext,
): Promise<UpStack | undefined> {
  const mode = ctx.env[STACK_CACHE_VAR];
  const explain = (text: string) => {
    if (mode === 'explain') ctx.err(`devenv: ${text}`);
  };
  const loadOptions = stackLoadOptions(options.values, ctx);
  const key = JSON.stringify({
    files: loadOptions.files,
    projectName: loadOptions.projectName ?? null,
    profiles: loadOptions.profiles ?? [],
    envFile: loadOptions.envFile ?? null,
    services: options.services,
    noDeps: options.noDeps,
    scale: options.scale,
    projectRoot: ctx.projectRoot,
  });
  const path = cacheFile(join(ctx.projectRoot, '.devenv', 'cache', 'stack'), key);
  // Taken before the load: code edited while it runs makes the next `up` a miss, not a stale hit.
  const sources = sourceFingerprint();
  if (mode !== 'off') {
    const found = lookUp<UpStack>(path, { sources, key, env: ctx.env });
    if (found.hit) {
      explain('stack from the cache');
      // Frozen as a load leaves it: the model's stack is, the expansion around it is not.
      deepFreeze(found.value.stack.declared);
      return found.value;
    }
    explain(`stack loaded (not cached: ${found.reason})`);
  }
  const recorder = loadRecorder(ctx.env);
  const versionsFile = join(ctx.projectRoot, 'versions.yaml');
  recorder.addFile(versionsFile, currentFileState(versionsFile));
  const loaded = await loadSelectedStack(options, ctx, recorder);
  if (!loaded) return undefined;
  const { projectVersions } = await import('../project-versions.js');
  const versions = await projectVersions(ctx);
  if (versions === undefined) return undefined;
  const recorded = recorder.recorded();
  if (mode !== 'off' && recorded) {
    const dependencies = { format: STACK_CACHE_FORMAT, sources, key, ...recorded };
    const stored = store(path, { dependencies, value: { stack: loaded, versions } });
    if (!stored.ok) explain(`stack not cached: ${stored.error}`);
  }
  return { stack: loaded, versions };
}

async function loadSelectedStack(
  options: UpOptions,
  ctx: CommandContext,
  recorder: ReturnType<typeof loadRecorder>,
): Promise<RunStack | undefined> {
  const loaded = await loadStackFromFlags(options.values, ctx, undefined, {
    env: recorder.env,
    onRead: recorder.onRead,
  });
  if (!loaded) return undefined;
  const selection = selectServices(loaded, options.services, { dependencies: !options.noDeps });
  if (!selection.ok)
    throw new UsageError(
      `no service named ${selection.unknown.map((n) => `"${n}"`).join(', ')} in ${loaded.files.join(', ')}; services: ${Object.keys(loaded.services).join(', ')}`,
      UP_USAGE,
    );
  const { expandReplicas } = await import('../../model/replicas.js');
  const run = expandReplicas(selection.stack, options.scale);
  if (run.ok) return run.value;
  for (const problem of run.error) ctx.err(`devenv: ${problem}`);
  return undefined;
}
