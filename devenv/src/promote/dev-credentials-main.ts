/**
 * Prints the path of the dev cluster credentials values file, creating it when missing: the
 * Tiltfile runs it (`npx tsx devenv/src/promote/dev-credentials-main.ts`) to pass the same
 * credentials `devenv promote` passes.
 */
import { PROJECT_ROOT } from '../project-root.js';
import { ensureDevCredentials } from './dev-credentials.js';

const ensured = await ensureDevCredentials(PROJECT_ROOT);
if (ensured.ok) process.stdout.write(`${ensured.value}\n`);
else {
  process.stderr.write(`${ensured.error}\n`);
  process.exitCode = 1;
}
