import { findExecutable } from '../process/executable.js';
import { describeOutcome, runCommand, type CommandOutcome } from '../process/run-command.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { ToolId } from '../versions/tool-ids.js';
import { CATALOG } from './catalog.js';

const APT_TIMEOUT_MS = 15 * 60_000;

/** The Debian packages that provide these tools (their apt routes), each named once, in order. */
export function systemPackagesOf(ids: readonly ToolId[]): string[] {
  const packages = ids.flatMap((id) =>
    CATALOG[id].routes.flatMap((route) => (route.kind === 'apt' ? [route.package] : [])),
  );
  return [...new Set(packages)];
}

/** Tools that only a system package provides: no registry route would install them instead. */
export function isSystemOnly(id: ToolId): boolean {
  const routes = CATALOG[id].routes;
  return routes.length > 0 && routes.every((route) => route.kind === 'apt');
}

/** Whether this process can install Debian packages by itself: root, with apt-get on PATH. */
export async function canInstallSystemPackages(
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  return (
    process.getuid?.() === 0 && (await findExecutable('apt-get', env['PATH'] ?? '')) !== undefined
  );
}

export interface SystemInstallContext {
  readonly log: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv | undefined;
}

// Once per process: the package lists do not go stale within one devenv or test run.
let aptUpdated: Promise<CommandOutcome> | undefined;

/**
 * Installs every package in one `apt-get install` (apt resolves and unpacks them together, and dpkg
 * takes one install at a time anyway), after one `apt-get update` per process.
 */
export async function installSystemPackages(
  packages: readonly string[],
  ctx: SystemInstallContext,
): Promise<Result<void, string>> {
  const named = packages.join(' ');
  if (process.getuid?.() !== 0) return err(`installing the system package(s) ${named} needs root`);
  const env = { ...(ctx.env ?? process.env), DEBIAN_FRONTEND: 'noninteractive' };
  ctx.log(`installing the system package${packages.length > 1 ? 's' : ''} ${named} with apt-get`);
  aptUpdated ??= runCommand('apt-get', ['update', '-qq'], { env, timeoutMs: APT_TIMEOUT_MS });
  const update = await aptUpdated;
  if (update.code !== 0) return err(`apt-get update failed: ${describeOutcome(update)}`);
  const outcome = await runCommand(
    'apt-get',
    // Another install (a second devenv or test run) may hold dpkg's lock: wait for it.
    [
      'install',
      '-y',
      '-qq',
      '--no-install-recommends',
      '-o',
      'DPkg::Lock::Timeout=600',
      ...packages,
    ],
    { env, timeoutMs: APT_TIMEOUT_MS },
  );
  return outcome.code === 0 ? ok(undefined) : err(describeOutcome(outcome));
}
