import { dirname, isAbsolute, join, resolve, sep } from 'node:path';

/** devenv's own stack, relative to its project root. */
export const DEFAULT_COMPOSE_FILE = join('compose', 'compose.yaml');

/** As compose-go looks for them, in order of preference, in a directory and then its parents. */
export const COMPOSE_FILE_NAMES = [
  'compose.yaml',
  'compose.yml',
  'docker-compose.yml',
  'docker-compose.yaml',
] as const;
export const OVERRIDE_FILE_NAMES = [
  'compose.override.yml',
  'compose.override.yaml',
  'docker-compose.override.yml',
  'docker-compose.override.yaml',
] as const;

export interface ComposeFileSearch {
  /** `-f` values as typed, relative to `cwd`. */
  readonly flagFiles: readonly string[] | undefined;
  /** The variables Compose reads for this: COMPOSE_FILE, COMPOSE_PATH_SEPARATOR. */
  readonly variables: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** devenv's own project: its stack is the default where no Compose file is found. */
  readonly projectRoot: string;
  readonly platform: NodeJS.Platform;
  readonly exists: (path: string) => boolean;
}

export interface ComposeFiles {
  readonly files: readonly string[];
  /** What Compose would warn about: several candidates in one directory. */
  readonly warnings: readonly string[];
}

/**
 * Which Compose files a command reads, as `docker compose` picks them: `-f`, else COMPOSE_FILE
 * (split on COMPOSE_PATH_SEPARATOR, default `:`, `;` on Windows), else the first directory from
 * `cwd` upwards that holds compose.yaml (or its other names) with its override file. Inside
 * devenv's own project the search stops at the project root, and where it finds nothing the
 * project's own stack (compose/compose.yaml) is the default.
 */
export function discoverComposeFiles(search: ComposeFileSearch): ComposeFiles {
  const { cwd } = search;
  const absolute = (file: string) => (isAbsolute(file) ? file : resolve(cwd, file));
  if (search.flagFiles !== undefined && search.flagFiles.length > 0)
    return { files: search.flagFiles.map(absolute), warnings: [] };
  const fromVariable = search.variables['COMPOSE_FILE'];
  if (fromVariable !== undefined && fromVariable !== '') {
    const separator =
      search.variables['COMPOSE_PATH_SEPARATOR'] || (search.platform === 'win32' ? ';' : ':');
    const files = fromVariable.split(separator).filter((f) => f !== '');
    return { files: files.map(absolute), warnings: [] };
  }
  const inside = cwd === search.projectRoot || cwd.startsWith(`${search.projectRoot}${sep}`);
  for (let dir = cwd; ; dir = dirname(dir)) {
    const found = inDirectory(dir, search.exists);
    if (found !== undefined) return found;
    if ((inside && dir === search.projectRoot) || dirname(dir) === dir) break;
  }
  return { files: [join(search.projectRoot, DEFAULT_COMPOSE_FILE)], warnings: [] };
}

function inDirectory(dir: string, exists: (path: string) => boolean): ComposeFiles | undefined {
  const candidates = COMPOSE_FILE_NAMES.map((n) => join(dir, n)).filter(exists);
  const [winner] = candidates;
  if (winner === undefined) return undefined;
  const warnings: string[] = [];
  if (candidates.length > 1)
    warnings.push(
      `found several Compose files in ${dir}: ${candidates.join(', ')}; using ${winner}`,
    );
  const overrides = OVERRIDE_FILE_NAMES.map((n) => join(dir, n)).filter(exists);
  const [override] = overrides;
  if (overrides.length > 1)
    warnings.push(
      `found several override files in ${dir}: ${overrides.join(', ')}; using ${override}`,
    );
  return { files: override === undefined ? [winner] : [winner, override], warnings };
}

/** COMPOSE_PROFILES: comma-separated, as Compose reads it when no --profile is given. */
export function profilesFromVariable(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}
