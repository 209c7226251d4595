import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createActivities, type ActivityDeps } from './activities/index.js';
import { FreshModuleLoader } from './fresh-modules.js';

/** activities/index with this file's extension: `.ts` under tsx, `.js` when compiled. */
const ACTIVITIES_MODULE = new URL(
  `./activities/index${extname(fileURLToPath(import.meta.url))}`,
  import.meta.url,
).href;
/** After start, the first swap's full evaluation is done in the background (once the worker polls). */
const PRIME_AFTER_MS = 2_000;

type Activities = ReturnType<typeof createActivities>;

/**
 * The activities for a generation: 1 is the code loaded at start; later ones import
 * activities/index again, evaluating only the files that changed since the last generation and the
 * files of ours that import them (module-versions.ts); every other module, ours, the generated
 * protos and node_modules, is shared with the previous generation. ES modules cannot be unloaded:
 * each changed file's old instance stays for the life of the process.
 */
export async function activitiesOf(
  generation: number,
  deps: ActivityDeps,
  options: { readonly prime: boolean },
): Promise<Activities> {
  if (generation > 1) return createFrom(await loader().load())(deps);
  // The first reload evaluates every file of ours once (they are not tracked yet): do it early.
  if (options.prime) setTimeout(prime, PRIME_AFTER_MS).unref();
  return createActivities(deps);
}

function prime(): void {
  loader()
    .load()
    .catch(() => undefined); // the swap that needs the code reports the error
}

let theLoader: FreshModuleLoader | undefined;
function loader(): FreshModuleLoader {
  return (theLoader ??= new FreshModuleLoader(ACTIVITIES_MODULE));
}

function createFrom(module: unknown): typeof createActivities {
  const create = (module as { createActivities?: unknown }).createActivities;
  if (typeof create !== 'function')
    throw new Error(
      `${fileURLToPath(ACTIVITIES_MODULE)} no longer exports createActivities(deps): the worker needs it`,
    );
  return create as typeof createActivities;
}
