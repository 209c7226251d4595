import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/project-root.js';

const LOAD_DIR = join(PROJECT_ROOT, '.devenv', 'load');

function reportFiles(): Set<string> {
  try {
    return new Set(readdirSync(LOAD_DIR));
  } catch {
    return new Set();
  }
}

/**
 * Every load run leaves its report in the project's .devenv/load/; a test file's runs take theirs
 * away again. Call before the runs; the returned function removes the files that appeared since.
 */
export function removeNewLoadReports(): () => void {
  const before = reportFiles();
  return () => {
    for (const name of reportFiles())
      if (!before.has(name) && /^[a-z]+-\d{8}-\d{6}\.(html|summary\.json)$/.test(name))
        rmSync(join(LOAD_DIR, name), { force: true });
  };
}
