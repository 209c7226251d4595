import { join } from 'node:path';

/**
 * Where a session writes its containers' `environment:` and `content:` secrets and configs:
 * `<state dir>/secrets/<session>`. Gone with each container; a killed devenv's are removed when
 * its session is reaped (`devenv down`, the next `devenv up`).
 */
export function sessionFilesDir(stateDir: string, sessionId: string): string {
  return join(stateDir, 'secrets', sessionId);
}
