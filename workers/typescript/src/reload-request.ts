import { isAbsolute, relative, resolve } from 'node:path';

/** Which of the worker's Workers a POST /reload replaces, or why it cannot. */
export type ReloadTargets =
  | { readonly ok: true; readonly workflows: boolean; readonly activities: boolean }
  /** 400: the request is malformed; 501: a changed file needs a restart, not a swap. */
  | { readonly ok: false; readonly status: 400 | 501; readonly error: string };

export interface CodeDirs {
  readonly workflows: string;
  readonly activities: string;
  /** Relative paths in a request are resolved against it. */
  readonly root: string;
}

/**
 * Pure. The body is `{"paths": [...]}`, the files that changed: under the workflows directory the
 * workflow Worker is replaced, under the activities directory the activity Worker; anything else
 * (config, the worker's own wiring) is only read at start. An empty body is refused: it would
 * swap in workflow code that no reload guard has replayed (devenv runs the guard for the files it
 * names, devenv/src/reload/reloader.ts).
 */
export function reloadTargets(body: string, dirs: CodeDirs): ReloadTargets {
  if (body.trim() === '')
    return {
      ok: false,
      status: 400,
      error:
        'name the changed files, {"paths": ["<changed file>", …]}: devenv checks workflow changes against open workflows before it asks for a reload',
    };
  let paths: unknown;
  try {
    paths = (JSON.parse(body) as { paths?: unknown } | null)?.paths;
  } catch (error) {
    return { ok: false, status: 400, error: `the body is not JSON: ${(error as Error).message}` };
  }
  if (!Array.isArray(paths) || !paths.every((p): p is string => typeof p === 'string'))
    return { ok: false, status: 400, error: 'expected {"paths": ["<changed file>", …]}' };
  let workflows = false;
  let activities = false;
  for (const path of paths) {
    const absolute = resolve(dirs.root, path);
    if (inside(dirs.workflows, absolute)) workflows = true;
    else if (inside(dirs.activities, absolute)) activities = true;
    else
      return { ok: false, status: 501, error: `${path} is only read at start: restart the worker` };
  }
  return { ok: true, workflows, activities };
}

function inside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * The determinism guard's requests around its replay (replay-guard.ts): prepare the next workflow
 * Worker with the bundle it is about to replay (so creating it overlaps the replay), or discard
 * that Worker when the replay failed.
 */
export type Preparation =
  | {
      readonly kind: 'prepare';
      readonly codeSha256: string;
      /** How long the guard took to bundle that code (for the worker's log and the bench). */
      readonly bundleMs?: number;
      /** The guard's CPU time meanwhile. */
      readonly bundleCpuMs?: number;
    }
  | { readonly kind: 'discard' };

function figure(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * Pure. `{"prepare": "workflows", "codeSha256": "<hex>", "bundleMs": 230}` or `{"discard": "workflows"}`;
 * undefined for anything else (a swap request, or a malformed one reloadTargets explains).
 */
export function preparationOf(body: string): Preparation | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const request = value as {
    prepare?: unknown;
    discard?: unknown;
    codeSha256?: unknown;
    bundleMs?: unknown;
    bundleCpuMs?: unknown;
  };
  if (request.discard === 'workflows') return { kind: 'discard' };
  if (
    request.prepare === 'workflows' &&
    typeof request.codeSha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(request.codeSha256)
  )
    return {
      kind: 'prepare',
      codeSha256: request.codeSha256,
      ...(figure(request.bundleMs) ? { bundleMs: request.bundleMs } : {}),
      ...(figure(request.bundleCpuMs) ? { bundleCpuMs: request.bundleCpuMs } : {}),
    };
  return undefined;
}
