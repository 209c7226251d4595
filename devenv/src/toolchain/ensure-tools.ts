import type { Result } from '../../shared/result.js';
import type { ToolId } from '../versions/tool-ids.js';
import { CATALOG } from './catalog.js';
import type { ResolvedTool, ToolFailure } from './resolve.js';
import { installSystemPackages, isSystemOnly, systemPackagesOf } from './system-packages.js';
import type { Toolchain } from './toolchain.js';

export type EnsuredTools = ReadonlyMap<ToolId, Result<ResolvedTool, ToolFailure>>;

export interface EnsureToolsOptions {
  /** The same permission the toolchain was created with: apt-get installs are allowed. */
  readonly allowSystem: boolean;
  readonly log: (line: string) => void;
  /** One install after another (doctor: readable progress) rather than all at once (test setup). */
  readonly oneAtATime?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * `toolchain.ensure` for each tool, except that the Debian packages of all the missing tools whose
 * first route is apt come in one apt-get call first: apt is slow, and dpkg installs one at a time.
 * Should that call fail (one unknown package fails them all), each tool's own `ensure` tries its
 * package alone and reports its own reason.
 */
export async function ensureTools(
  toolchain: Toolchain,
  ids: readonly ToolId[],
  options: EnsureToolsOptions,
): Promise<EnsuredTools> {
  if (options.allowSystem) {
    const found = await Promise.all(ids.map((id) => toolchain.find(id)));
    const missing = ids.filter((id, i) => !found[i]!.ok && CATALOG[id].routes[0]?.kind === 'apt');
    const packages = systemPackagesOf(missing);
    if (packages.length > 1) {
      const batch = await installSystemPackages(packages, options);
      if (!batch.ok) options.log(`apt-get could not install them together: ${batch.error}`);
    }
  }
  const results = new Map<ToolId, Result<ResolvedTool, ToolFailure>>();
  if (options.oneAtATime === true) {
    for (const id of ids) results.set(id, await toolchain.ensure(id));
  } else {
    const all = await Promise.all(ids.map(async (id) => [id, await toolchain.ensure(id)] as const));
    for (const [id, result] of all) results.set(id, result);
  }
  return results;
}

/** The Debian packages still needed: those of the tools that are missing and only a system package provides. */
export function missingSystemPackages(results: EnsuredTools): string[] {
  const missing = [...results].filter(([id, result]) => !result.ok && isSystemOnly(id));
  return systemPackagesOf(missing.map(([id]) => id));
}
