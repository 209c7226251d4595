import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * This checkout's version, from its package.json: what `devenv version` prints and what the
 * images it builds are labelled with. Undefined when the file or its `version` is missing.
 */
export function devenvVersion(projectRoot: string): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof manifest.version === 'string' ? manifest.version : undefined;
  } catch {
    return undefined;
  }
}
