import { join } from 'node:path';
import { loadVersions, type Versions } from '../versions/versions-file.js';
import type { CommandContext } from './command.js';
import { printDiagnostics } from './output.js';

/**
 * The project's versions.yaml, or undefined once its positioned problems are printed: every
 * command that needs it then exits 2 (a configuration error) before doing anything.
 */
export async function projectVersions(ctx: CommandContext): Promise<Versions | undefined> {
  const versions = await loadVersions(join(ctx.projectRoot, 'versions.yaml'));
  if (versions.ok) return versions.value;
  printDiagnostics(ctx, versions.error);
  return undefined;
}
