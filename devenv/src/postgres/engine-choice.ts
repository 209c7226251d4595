import { err, ok, type Result } from '../../shared/result.js';
import { describeToolFailure, type ResolvedTool, type ToolFailure } from '../toolchain/resolve.js';

/** What runs the stack's Postgres: `--engine` / DEVENV_POSTGRES. */
export const ENGINE_CHOICES = ['auto', 'postgres', 'pglite'] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];

export const ENGINE_ENV = 'DEVENV_POSTGRES';

export type PostgresEngine =
  /** The real server found by the toolchain. */
  | { readonly kind: 'postgres'; readonly path: string; readonly version: string }
  /** PGlite (Postgres compiled to WebAssembly) in devenv's own Node process. */
  | { readonly kind: 'pglite'; readonly version: string; readonly why: string };

/** `--engine` wins over DEVENV_POSTGRES; neither means auto. */
export function parseEngineChoice(
  flag: string | undefined,
  env: string | undefined,
): Result<EngineChoice, string> {
  const text = flag ?? (env === '' ? undefined : env);
  if (text === undefined) return ok('auto');
  const choice = ENGINE_CHOICES.find((c) => c === text);
  if (choice) return ok(choice);
  const from = flag !== undefined ? '--engine' : ENGINE_ENV;
  return err(`${from} ${text}: expected one of ${ENGINE_CHOICES.join(', ')}`);
}

/**
 * The real server when one is installed at the version versions.yaml asks for (or when asked
 * for by name); otherwise the embedded PGlite, which npm install always brings. `findPostgres`
 * is the toolchain's lookup, not made when PGlite is asked for.
 */
export async function chooseEngine(
  choice: EngineChoice,
  findPostgres: () => Promise<Result<ResolvedTool, ToolFailure>>,
  pgliteVersion: string,
): Promise<Result<PostgresEngine, string>> {
  if (choice === 'pglite')
    return ok({
      kind: 'pglite',
      version: pgliteVersion,
      why: `asked for by ${ENGINE_ENV} or --engine`,
    });
  const found = await findPostgres();
  if (found.ok)
    return ok({ kind: 'postgres', path: found.value.path, version: found.value.version });
  if (choice === 'postgres')
    return err(
      `postgres ${describeToolFailure(found.error)}\n  → ${found.error.remediation}; or use the embedded PGlite (${ENGINE_ENV}=pglite, or auto)`,
    );
  return ok({
    kind: 'pglite',
    version: pgliteVersion,
    why: `no PostgreSQL server: postgres ${describeToolFailure(found.error)}`,
  });
}

/** One line for people: what will serve the stack's Postgres. */
export function describeEngine(engine: PostgresEngine): string {
  return engine.kind === 'postgres'
    ? `PostgreSQL ${engine.version} at ${engine.path}`
    : `embedded PGlite ${engine.version} (${engine.why})`;
}
