import {
  chooseEngine,
  describeEngine,
  ENGINE_ENV,
  parseEngineChoice,
} from '../postgres/engine-choice.js';
import type { Result } from '../../shared/result.js';
import type { ResolvedTool, ToolFailure } from '../toolchain/resolve.js';
import type { CheckReport } from './report.js';

/**
 * Which engine the stack's postgres service will run (devenv postgres-server decides the same
 * way): the PostgreSQL server when it is installed, else the embedded PGlite. A missing server is
 * no problem; only an explicit DEVENV_POSTGRES=postgres without one is.
 */
export async function postgresEngineCheck(
  choiceText: string | undefined,
  findPostgres: () => Promise<Result<ResolvedTool, ToolFailure>>,
  pgliteVersion: string,
): Promise<CheckReport> {
  const id = 'postgres-engine';
  const choice = parseEngineChoice(undefined, choiceText);
  if (!choice.ok)
    return {
      id,
      status: 'fail',
      message: choice.error,
      remediation: `unset ${ENGINE_ENV}, or set it to auto, postgres or pglite`,
    };
  const engine = await chooseEngine(choice.value, findPostgres, pgliteVersion);
  if (!engine.ok)
    return {
      id,
      status: 'fail',
      message: `postgres service: ${engine.error.split('\n')[0]}`,
      remediation: `install PostgreSQL's server (Debian/Ubuntu: apt-get install postgresql), or unset ${ENGINE_ENV} to use the embedded PGlite`,
    };
  return {
    id,
    status: 'ok',
    message: `postgres service: ${describeEngine(engine.value)}`,
    remediation: null,
  };
}
