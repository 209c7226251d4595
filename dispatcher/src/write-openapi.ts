import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { PROJECT_ROOT } from '../../devenv/src/project-root.js';
import { buildOpenApi } from './http/openapi.js';

/**
 * `npx tsx dispatcher/src/write-openapi.ts`: rewrites the checked-in dispatcher/openapi.json,
 * formatted as `npm run lint` (prettier --check) expects.
 */
const path = join(PROJECT_ROOT, 'dispatcher', 'openapi.json');
const options = (await resolveConfig(path)) ?? {};
await writeFile(path, await format(JSON.stringify(buildOpenApi()), { ...options, filepath: path }));
