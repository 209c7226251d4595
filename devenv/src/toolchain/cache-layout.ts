import { join } from 'node:path';
import type { ToolId } from '../versions/tool-ids.js';

/**
 * `.devenv/tools/<tool>/<version>/bin/<executable>`: the version is part of the path, so a cached
 * copy is trusted without running it, and several versions can sit side by side.
 */
export function cacheRoot(projectRoot: string): string {
  return join(projectRoot, '.devenv', 'tools');
}

export function toolVersionDir(projectRoot: string, tool: ToolId, version: string): string {
  return join(cacheRoot(projectRoot), tool, version);
}

export function cachedExecutable(
  projectRoot: string,
  tool: ToolId,
  version: string,
  executable: string,
): string {
  return join(toolVersionDir(projectRoot, tool, version), 'bin', executable);
}
