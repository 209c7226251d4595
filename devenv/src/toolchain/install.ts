import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import { ARTIFACT_LOCK_FILE, loadArtifactLock } from '../versions/artifact-lock.js';
import { satisfies, type VersionSpec } from '../versions/version-spec.js';
import { toolPinsFor } from './artifact-check.js';
import { toolVersionDir } from './cache-layout.js';
import { installSystemPackages } from './system-packages.js';
import type { InstallRoute, ToolDefinition } from './catalog.js';
import { buildInto, exists } from './registry-build.js';
import type { ToolFailure, ToolLocator } from './resolve.js';

export interface InstallContext {
  readonly projectRoot: string;
  /** System packages (apt) change the machine, so they need an explicit yes. */
  readonly allowSystem: boolean;
  readonly locator: ToolLocator;
  /** Paths of prerequisite tools, resolved by the caller: python for PyPI, go for Go routes. */
  readonly prerequisite: (tool: 'python' | 'go') => Promise<string | undefined>;
  readonly log: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
  /**
   * versions.lock.yaml (Versions.lockFile): every registry artifact is checked against its hash
   * there before it is installed; without it, nothing is installed from a registry.
   */
  readonly lockFile: string | undefined;
  /**
   * Ends registry installs in flight (devenv is stopping). Not apt-get: a dpkg killed halfway
   * leaves the machine's package database for the user to repair.
   */
  readonly signal?: AbortSignal | undefined;
}

/** Tries each route in order until one yields a verified copy at the wanted version. */
export async function installTool(
  def: ToolDefinition,
  wanted: VersionSpec,
  ctx: InstallContext,
): Promise<Result<void, ToolFailure>> {
  const fail = (detail: string): Result<void, ToolFailure> =>
    err({
      reason: 'tool-install-failed',
      tool: def.id,
      wanted: wanted.text,
      detail,
      remediation: def.manual,
    });
  const usable = def.routes.filter((r) => r.kind !== 'apt' || ctx.allowSystem);
  if (usable.length === 0) {
    return fail(
      def.routes.length > 0
        ? `only a system package route exists (${def.routes.map(describeRoute).join(', ')}); rerun with --system as root`
        : 'no package registry ships it',
    );
  }
  const problems: string[] = [];
  for (const route of usable) {
    const attempt = await installByRoute(def, wanted, route, ctx);
    if (attempt.ok) return attempt;
    problems.push(`${describeRoute(route)}: ${attempt.error}`);
  }
  return fail(problems.join('; '));
}

export function describeRoute(route: InstallRoute): string {
  switch (route.kind) {
    case 'pypi':
      return `PyPI ${route.package}`;
    case 'npm':
      return `npm ${route.package}`;
    case 'go':
      return `go install ${route.module}`;
    case 'go-module-build':
      return `go build ${route.package} in ${route.module}`;
    case 'apt':
      return `apt-get install ${route.package}`;
  }
}

async function installByRoute(
  def: ToolDefinition,
  wanted: VersionSpec,
  route: InstallRoute,
  ctx: InstallContext,
): Promise<Result<void, string>> {
  if (route.kind === 'apt') return installSystemPackages([route.package], ctx);
  if (wanted.kind !== 'exact') {
    return err(
      `versions.yaml must pin an exact version (like 1.2.3) for tools devenv installs, not "${wanted.text}"`,
    );
  }
  const version = wanted.text;
  if (ctx.lockFile === undefined)
    return err(
      `versions.yaml names no ${ARTIFACT_LOCK_FILE} (lock:), so nothing could be verified; restore it from git`,
    );
  const lock = await loadArtifactLock(ctx.lockFile);
  if (!lock.ok) return lock;
  const pins = toolPinsFor(lock.value, def.id, version);
  if (!pins.ok) return pins;
  const finalDir = toolVersionDir(ctx.projectRoot, def.id, version);
  // Built beside the final place and renamed at the end, so a half-finished install is never found.
  const partial = `${finalDir}.partial-${process.pid}`;
  const startedAt = Date.now();
  await rm(partial, { recursive: true, force: true });
  await mkdir(join(partial, 'bin'), { recursive: true });
  ctx.log(
    `installing ${def.id} ${version} (${describeRoute(route)}) into ${relative(ctx.projectRoot, finalDir)}/`,
  );
  try {
    const built = await buildInto(partial, def, version, route, pins.value, ctx);
    if (!built.ok) return built;
    const exe = join(partial, 'bin', def.executable);
    if (def.versionArgs || def.versionMarker) {
      const reported = def.versionArgs
        ? await ctx.locator.readVersion(exe, def.versionArgs)
        : await ctx.locator.readVersionMarker(exe, def.versionMarker!);
      if (reported === undefined || !satisfies(reported, wanted)) {
        return err(`installed copy reports version ${reported ?? '(none)'}, expected ${version}`);
      }
    }
    // Another devenv process (a parallel test file, a second terminal) may have finished the same
    // install while we built: theirs is as good as ours, and may be running right now, so it stays.
    // (An older directory is what this install replaces.)
    const theirs = await stat(finalDir).catch(() => undefined);
    if (
      theirs &&
      theirs.mtimeMs >= startedAt &&
      (await exists(join(finalDir, 'bin', def.executable)))
    )
      return ok(undefined);
    await rm(finalDir, { recursive: true, force: true });
    await rename(partial, finalDir).catch(async (thrown: unknown) => {
      if (!(await exists(join(finalDir, 'bin', def.executable)))) throw thrown;
    });
    return ok(undefined);
  } catch (thrown) {
    return err(messageOf(thrown));
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}
