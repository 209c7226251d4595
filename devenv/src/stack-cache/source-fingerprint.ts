import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../project-root.js';

const DEVENV_DIR = join(PROJECT_ROOT, 'devenv');

/**
 * The code a cached stack was built by: the model and what it imports (YAML sources, versions,
 * the probe kinds' definitions), the flags' reading, the service selection, this cache and what
 * `up` keeps in it, and the installed packages (zod, yaml). Directories are listed so that a new
 * file counts too. The probe runners beside the kinds are not part of it: they run probes, they
 * build nothing that is cached.
 */
const SOURCE_DIRS = [
  'src/model',
  'src/health/kinds',
  'src/versions',
  'src/config',
  'src/stack-cache',
  'shared',
];
const SOURCE_FILES = [
  'src/health/probe-kinds.ts',
  'src/health/probe-kind.ts',
  'src/diagnostic.ts',
  'src/cli/stack-options.ts',
  'src/cli/project-versions.ts',
  'src/cli/up/cached-stack.ts',
  'src/engine/select-services.ts',
  '../package-lock.json',
];

/**
 * Size and modification time of each file above, hashed: an edit to devenv's stack code (in a
 * checkout, where devenv is developed) or an upgrade makes every cached stack a miss. Stats, not
 * reads: ~100 files cost ~1 ms this way.
 */
export function sourceFingerprint(devenvDir = DEVENV_DIR): string {
  const hash = createHash('sha256');
  const add = (path: string) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    hash.update(`${path}\0${stat ? `${stat.size}:${stat.mtimeMs}` : 'missing'}\n`);
  };
  for (const dir of SOURCE_DIRS) {
    const absolute = join(devenvDir, dir);
    let names: string[];
    try {
      names = readdirSync(absolute);
    } catch {
      names = [];
    }
    for (const name of names.sort())
      if (name.endsWith('.ts') && !name.endsWith('.test.ts')) add(join(absolute, name));
  }
  for (const file of SOURCE_FILES) add(join(devenvDir, file));
  return hash.digest('hex');
}
