import { err, type Result } from '../../shared/result.js';
import type { ToolId } from '../versions/tool-ids.js';
import type { Versions } from '../versions/versions-file.js';
import { CATALOG } from './catalog.js';
import { installTool } from './install.js';
import { acquireInstallLock, installLockPath } from './install-lock.js';
import type { LockLimits, LockOwner } from './install-lock-policy.js';
import { systemLocator } from './locator.js';
import {
  describeFound,
  findTool,
  type ResolvedTool,
  type ToolFailure,
  type ToolLocator,
} from './resolve.js';

export interface ToolchainOptions {
  readonly projectRoot: string;
  readonly versions: Versions;
  readonly locator?: ToolLocator;
  /** Allow apt-get installs (root only). */
  readonly allowSystem?: boolean;
  readonly log?: (line: string) => void;
  /** Aborted when devenv stops: installs in flight are killed rather than waited for. */
  readonly signal?: AbortSignal | undefined;
  /** How long to wait for another process's install of the same tool, and when to say so. */
  readonly installLockLimits?: Partial<LockLimits> | undefined;
}

/** Finds and, on request, installs the external tools named in versions.yaml. */
export interface Toolchain {
  /** Where the tool is, at the right version; installs nothing. */
  find(id: ToolId): Promise<Result<ResolvedTool, ToolFailure>>;
  /** Like `find`, but installs from a package registry into the project cache when needed. */
  ensure(id: ToolId): Promise<Result<ResolvedTool, ToolFailure>>;
}

export function createToolchain(options: ToolchainOptions): Toolchain {
  const locator = options.locator ?? systemLocator(options.projectRoot);
  const log = options.log ?? (() => {});
  const ensuring = new Map<ToolId, Promise<Result<ResolvedTool, ToolFailure>>>();

  // A found tool stays found for the life of this toolchain (a devenv run); misses are asked again.
  const finds = new Map<ToolId, Promise<Result<ResolvedTool, ToolFailure>>>();
  const find = (id: ToolId): Promise<Result<ResolvedTool, ToolFailure>> => {
    let pending = finds.get(id);
    if (!pending) {
      pending = findTool(CATALOG[id], options.versions.tools[id], locator);
      finds.set(id, pending);
      void pending.then((result) => {
        if (!result.ok) finds.delete(id);
      });
    }
    return pending;
  };

  const ensure = (id: ToolId): Promise<Result<ResolvedTool, ToolFailure>> => {
    // Concurrent callers share one install rather than racing two.
    let pending = ensuring.get(id);
    if (!pending) {
      pending = ensureOnce(id);
      ensuring.set(id, pending);
    }
    return pending;
  };

  const ensureOnce = async (id: ToolId): Promise<Result<ResolvedTool, ToolFailure>> => {
    const found = await find(id);
    if (found.ok) return found;
    // Another process (a parallel test run, `devenv doctor --fix`) may be installing it right now:
    // wait for it, then look again, rather than build the same tool twice.
    return underInstallLock(id, options, log, async (waitedFor) => {
      finds.delete(id);
      const foundNow = await find(id);
      if (foundNow.ok) {
        if (waitedFor)
          log(`${id} ${foundNow.value.version}: installed by pid ${waitedFor.pid} meanwhile`);
        return foundNow;
      }
      const installed = await installTool(CATALOG[id], options.versions.tools[id], {
        projectRoot: options.projectRoot,
        allowSystem: options.allowSystem ?? false,
        locator,
        log,
        lockFile: options.versions.lockFile,
        signal: options.signal,
        prerequisite: async (tool) => {
          const resolved = await ensure(tool);
          return resolved.ok ? resolved.value.path : undefined;
        },
      });
      finds.delete(id);
      return installed.ok ? find(id) : withWhatWasFound(installed.error, foundNow.error);
    });
  };

  return { find, ensure };
}

/** Runs `body` holding the tool's install lock (see install-lock.ts), or says why it could not. */
async function underInstallLock(
  id: ToolId,
  options: ToolchainOptions,
  log: (line: string) => void,
  body: (waitedFor: LockOwner | undefined) => Promise<Result<ResolvedTool, ToolFailure>>,
): Promise<Result<ResolvedTool, ToolFailure>> {
  const wanted = options.versions.tools[id].text;
  const lock = await acquireInstallLock(installLockPath(options.projectRoot, id, wanted), {
    what: `${id} ${wanted}`,
    log,
    signal: options.signal,
    limits: options.installLockLimits,
  });
  if (!lock.ok) {
    const remediation = CATALOG[id].manual;
    return err({
      reason: 'tool-install-failed',
      tool: id,
      wanted,
      detail: lock.error,
      remediation,
    });
  }
  try {
    return await body(lock.value.waitedFor);
  } finally {
    await lock.value.release();
  }
}

/** Keeps what was found at the wrong version in view: it explains more than the install error alone. */
function withWhatWasFound(
  failure: ToolFailure,
  notFound: ToolFailure,
): Result<ResolvedTool, ToolFailure> {
  return notFound.reason === 'tool-version-mismatch' && failure.reason === 'tool-install-failed'
    ? err({ ...failure, detail: `${failure.detail} (and found ${describeFound(notFound.found)})` })
    : err(failure);
}
