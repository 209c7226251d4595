import { join } from 'node:path';
import { formatDiagnostic } from '../src/diagnostic.js';
import { PROJECT_ROOT } from '../src/project-root.js';
import { loadVersions, type Versions } from '../src/versions/versions-file.js';

/** The project's own versions.yaml, which tests may rely on being valid. */
export async function loadProjectVersions(): Promise<Versions> {
  const loaded = await loadVersions(join(PROJECT_ROOT, 'versions.yaml'));
  if (!loaded.ok) throw new Error(loaded.error.map(formatDiagnostic).join('\n'));
  return loaded.value;
}
