import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostic.js';
import { parseDotenv } from '../model/dotenv.js';
import { err, ok, type Result } from '../../shared/result.js';

export interface ComposeDotenvSource {
  /** `-f` values as typed, relative to `cwd`. */
  readonly flagFiles: readonly string[] | undefined;
  /** `--env-file`, as typed. */
  readonly envFile: string | undefined;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The file's text, or undefined when it does not exist. */
  readonly read: (path: string) => string | undefined;
}

/**
 * Which `.env` Compose reads its own settings from, before it knows the project: `--env-file`,
 * else the directory of the first `-f` file, else the working directory (compose-go's working
 * directory at that point, since COMPOSE_FILE is not read yet).
 */
export function composeDotenvPath(
  source: Pick<ComposeDotenvSource, 'flagFiles' | 'envFile' | 'cwd'>,
): string {
  const absolute = (file: string) => (isAbsolute(file) ? file : resolve(source.cwd, file));
  if (source.envFile !== undefined) return absolute(source.envFile);
  const [first] = source.flagFiles ?? [];
  return join(first === undefined || first === '-' ? source.cwd : dirname(absolute(first)), '.env');
}

/**
 * The process environment with the `COMPOSE_*` settings of that `.env` added where the process
 * does not set them, as `docker compose` does: COMPOSE_FILE, COMPOSE_PROFILES,
 * COMPOSE_PROJECT_NAME and the others can live in the project's `.env`. Other variables of the
 * file are left to interpolation, which reads the project's `.env` itself.
 */
export function withComposeDotenv(
  source: ComposeDotenvSource,
): Result<Readonly<Record<string, string | undefined>>, Diagnostic[]> {
  const path = composeDotenvPath(source);
  const text = source.read(path);
  // Most `.env` files set nothing of Compose's: not worth a parse on every command.
  if (text === undefined || !text.includes('COMPOSE_')) return ok(source.env);
  const lookup = (name: string) => (Object.hasOwn(source.env, name) ? source.env[name] : undefined);
  const parsed = parseDotenv(text, path, lookup);
  if (!parsed.ok) return err(parsed.error);
  const added: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed.value))
    if (key.startsWith('COMPOSE_') && lookup(key) === undefined) added[key] = value;
  return ok(Object.keys(added).length === 0 ? source.env : { ...source.env, ...added });
}
