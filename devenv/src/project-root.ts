import { fileURLToPath } from 'node:url';

/**
 * Set only in the bundled CLI (devenv/bin/cli-bundle-build.js defines it): its modules live in
 * .devenv/cache/cli/, so their own location no longer says where the repository is.
 */
declare const DEVENV_BUNDLED_ROOT: string | undefined;

/** The repository this devenv belongs to: where versions.yaml and .devenv/ live. */
export const PROJECT_ROOT =
  typeof DEVENV_BUNDLED_ROOT === 'string'
    ? DEVENV_BUNDLED_ROOT
    : fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

/** Whether this devenv runs from the bundled CLI (devenv/bin/cli-bundle.js) or its sources. */
export const RUNS_BUNDLED = typeof DEVENV_BUNDLED_ROOT === 'string';
