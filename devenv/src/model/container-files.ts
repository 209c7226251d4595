import { isAbsolute, posix, resolve } from 'node:path';
import type { Problem } from './problem.js';
import { formatPath, isPlainObject, type TreePath } from './tree.js';

/**
 * A service's `secrets` and `configs` as files in its container: a host file bind-mounted
 * read-only, or a value (`environment:`, `content:`) the docker runtime writes to a file under
 * `.devenv/` when the service starts and mounts the same way.
 */
export interface FileMount {
  readonly kind: 'secret' | 'config';
  /** The top-level secret's or config's name. */
  readonly name: string;
  /** Absolute path in the container: `/run/secrets/<name>` for a secret, `/<name>` for a config. */
  readonly target: string;
  readonly source:
    | { readonly kind: 'file'; readonly path: string }
    | { readonly kind: 'content'; readonly content: string }
    /** `environment: VAR`: VAR's value (devenv's environment, else the project's `.env`). */
    | { readonly kind: 'environment'; readonly variable: string };
  /** For a written value only: a bind-mounted host file keeps its own owner and mode (as in Compose). */
  readonly uid?: number;
  readonly gid?: number;
  readonly mode?: number;
}

export interface FileContext {
  readonly projectDir: string;
  /** The top-level `secrets` and `configs` of the document. */
  readonly secrets?: unknown;
  readonly configs?: unknown;
}

/** The files the service's `secrets:` and `configs:` put in its container (`at`: its path). */
export function readFileMounts(
  service: Readonly<Record<string, unknown>>,
  at: TreePath,
  ctx: FileContext,
  problems: Problem[],
): FileMount[] {
  const mounts: FileMount[] = [];
  for (const kind of ['secret', 'config'] as const) {
    const key = kind === 'secret' ? 'secrets' : 'configs';
    const declared = kind === 'secret' ? ctx.secrets : ctx.configs;
    const uses = service[key];
    if (!Array.isArray(uses)) continue;
    uses.forEach((use: unknown, i) => {
      const ref = isPlainObject(use) ? use : { source: use };
      const name = String(ref['source'] ?? '');
      const definition = isPlainObject(declared) ? declared[name] : undefined;
      // Undeclared: consistency.ts says so. External: Swarm's, which Compose cannot mount either.
      if (!isPlainObject(definition) || definition['external'] === true) return;
      const source = sourceOf(definition, ctx);
      if (source === undefined) return;
      mounts.push({
        kind,
        name,
        target: targetOf(kind, name, ref['target']),
        source,
        ...ownership(ref, source.kind, [...at, key, i], problems),
      });
    });
  }
  return mounts;
}

function sourceOf(
  definition: Record<string, unknown>,
  ctx: FileContext,
): FileMount['source'] | undefined {
  const { file, environment, content } = definition;
  if (typeof file === 'string') return { kind: 'file', path: resolve(ctx.projectDir, file) };
  if (typeof content === 'string') return { kind: 'content', content };
  // Read when the service starts, not here: `devenv config` prints the variable's name, and the
  // file it prints must load as the same project.
  return typeof environment === 'string'
    ? { kind: 'environment', variable: environment }
    : undefined;
}

function targetOf(kind: FileMount['kind'], name: string, target: unknown): string {
  const written = typeof target === 'string' && target !== '' ? target : name;
  if (isAbsolute(written)) return posix.normalize(written);
  return kind === 'secret' ? posix.join('/run/secrets', written) : posix.join('/', written);
}

/** uid, gid and mode of a written value; on a host file they are ignored, as Compose does. */
function ownership(
  ref: Record<string, unknown>,
  source: FileMount['source']['kind'],
  at: TreePath,
  problems: Problem[],
): Pick<FileMount, 'uid' | 'gid' | 'mode'> {
  if (source === 'file') return {};
  const out: { uid?: number; gid?: number; mode?: number } = {};
  for (const key of ['uid', 'gid'] as const) {
    const value = ref[key];
    if (value === undefined || value === null) continue;
    if (/^\d+$/.test(String(value))) out[key] = Number(value);
    else
      problems.push({
        path: [...at, key],
        message: `${formatPath([...at, key])}: "${String(value)}" is not a numeric ${key}`,
        hint: `write a number, like ${key}: "1000"`,
      });
  }
  const mode = modeOf(ref['mode']);
  if (mode === null)
    problems.push({
      path: [...at, 'mode'],
      message: `${formatPath([...at, 'mode'])}: ${JSON.stringify(ref['mode'])} is not a file mode`,
      hint: 'write an octal mode like 0440',
    });
  else if (mode !== undefined) out.mode = mode;
  return out;
}

/**
 * `mode: 0440`. compose-go reads a leading-0 number as octal (YAML 1.1); the YAML 1.2 parser here
 * reads `0440` as 440, so a number whose digits are all octal, up to 777, is read as those digits
 * in octal. A string is octal always; null (invalid) when neither gives a mode.
 */
export function modeOf(value: unknown): number | undefined | null {
  if (value === undefined || value === null) return undefined;
  const text = String(value);
  if (typeof value === 'number' && !/^[0-7]{1,3}$/.test(text))
    return Number.isInteger(value) && value >= 0 && value <= 0o7777 ? value : null;
  if (!/^(0o?)?[0-7]{1,4}$/i.test(text)) return null;
  return parseInt(text.replace(/^0o/i, ''), 8);
}
