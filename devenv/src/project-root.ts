import { fileURLToPath } from 'node:url';

/** The repository this devenv belongs to: where versions.yaml and .devenv/ live. */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
