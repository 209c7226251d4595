import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { SYSTEM_TOOL_DIRS_ENV } from '../toolchain/locator.js';
import { ENGINE_ENV } from './engine-choice.js';

/**
 * For tests and benchmarks: `env` as on a machine without PostgreSQL's server package. PATH
 * loses every directory holding a `postgres` executable, and the toolchain looks in no
 * distribution directory; the engine choice is left to auto.
 */
export function withoutPostgresServer(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const path = (env['PATH'] ?? '')
    .split(delimiter)
    .filter((dir) => dir.length > 0 && !isExecutable(join(dir, 'postgres')))
    .join(delimiter);
  const hidden: NodeJS.ProcessEnv = { ...env, PATH: path, [SYSTEM_TOOL_DIRS_ENV]: '' };
  delete hidden[ENGINE_ENV];
  return hidden;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
