import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ActivityDeps, createActivities } from './activities/index.js';

/** activities/index with this file's extension: `.ts` under tsx, `.js` when compiled. */
const ACTIVITIES_MODULE = new URL(
  `./activities/index${extname(fileURLToPath(import.meta.url))}`,
  import.meta.url,
);

/**
 * The activities as their files are now: tsx's `tsImport` loads activities/index and every file
 * of ours it imports as new module instances (packages under node_modules stay shared, so the
 * SDK's classes are the same). ES modules cannot be unloaded: each reload keeps its old module
 * instances, a few hundred kB, for the life of the process.
 */
export async function importActivitiesAfresh(
  deps: ActivityDeps,
): Promise<ReturnType<typeof createActivities>> {
  const { tsImport } = await import('tsx/esm/api');
  const module: unknown = await tsImport(ACTIVITIES_MODULE.href, import.meta.url);
  const create = (module as { createActivities?: unknown }).createActivities;
  if (typeof create !== 'function')
    throw new Error(
      `${fileURLToPath(ACTIVITIES_MODULE)} no longer exports createActivities(deps): the worker needs it`,
    );
  return (create as typeof createActivities)(deps);
}
