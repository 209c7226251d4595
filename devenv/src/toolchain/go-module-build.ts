import { execFile } from 'node:child_process';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describeOutcome, runCommand } from '../process/run-command.js';
import { err, ok, type Result } from '../../shared/result.js';
import { goVerifyingEnv } from './artifact-check.js';
import type { InstallRoute } from './catalog.js';
import type { InstallContext } from './install.js';

/**
 * One `go build` or `go install`. Kubernetes' six binaries take ~7 min on 2 idle cores from empty
 * caches; a busy machine, more: the test setup builds every Go tool at once, and Helm's
 * `go install` alone passed 15 min there from empty caches.
 */
export const GO_BUILD_TIMEOUT_MS = 60 * 60_000;

export type GoModuleBuildRoute = Extract<InstallRoute, { kind: 'go-module-build' }>;

/**
 * Builds the route's binaries inside a writable copy of the module (already downloaded and
 * verified, at `moduleDir`): `go install` refuses a module with replace directives. -mod=mod
 * ignores its vendor/ tree (and go.work), so every dependency comes from the proxy, checked
 * against the module's own go.sum and the checksum database.
 */
export async function buildInModuleCopy(
  dir: string,
  executable: string,
  version: string,
  route: GoModuleBuildRoute,
  moduleDir: string,
  go: string,
  ctx: InstallContext,
): Promise<Result<void, string>> {
  const env = {
    ...(ctx.env ?? process.env),
    ...goVerifyingEnv(ctx.env ?? process.env),
    GOFLAGS: '-mod=mod',
    ...(route.static === true ? { CGO_ENABLED: '0' } : {}),
  };
  const source = join(dir, 'src');
  try {
    await cp(moduleDir, source, { recursive: true });
    // The module cache is read-only, and the copy is built in.
    await runCommand('chmod', ['-R', 'u+w', source]);
    for (const stale of ['vendor', 'go.work', 'go.work.sum'])
      await rm(join(source, stale), { recursive: true, force: true });
    for (const [path, content] of Object.entries(route.placeholders ?? {})) {
      await mkdir(dirname(join(source, path)), { recursive: true });
      await writeFile(join(source, path), content);
    }
    if (route.localReplacesAt !== undefined) {
      const replaced = await replaceLocalModules(
        go,
        source,
        versionText(route.localReplacesAt, version),
        env,
      );
      if (!replaced.ok) return replaced;
    }
    const targets = { [executable]: route.package, ...route.alsoBuilds };
    for (const [name, pkg] of Object.entries(targets)) {
      const outcome = await runCommand(
        go,
        ['build', '-trimpath', ...ldflagsOf(route, version), '-o', join(dir, 'bin', name), pkg],
        { cwd: source, env, timeoutMs: GO_BUILD_TIMEOUT_MS, signal: ctx.signal },
      );
      if (outcome.code !== 0) return err(`go build ${pkg}: ${describeOutcome(outcome)}`);
    }
    return ok(undefined);
  } finally {
    await rm(source, { recursive: true, force: true });
  }
}

interface GoModJson {
  readonly Require?: readonly { Path: string }[];
  readonly Replace?: readonly { Old: { Path: string }; New: { Path: string; Version?: string } }[];
}

/**
 * Replace directives that point into the repository (Kubernetes' `./staging/src/k8s.io/api`,
 * etcd's `../api`), which the module zip does not hold, are pointed at the same modules as
 * published, at `published`; only for modules the build requires.
 */
async function replaceLocalModules(
  go: string,
  source: string,
  published: string,
  env: NodeJS.ProcessEnv,
): Promise<Result<void, string>> {
  const read = await promisify(execFile)(go, ['mod', 'edit', '-json'], { cwd: source, env }).catch(
    (thrown: unknown) => ({ stdout: '', error: String(thrown) }),
  );
  if ('error' in read) return err(`go mod edit -json: ${read.error}`);
  const mod = JSON.parse(read.stdout) as GoModJson;
  const required = new Set((mod.Require ?? []).map((r) => r.Path));
  const edits = (mod.Replace ?? [])
    .filter(
      (r) => r.New.Version === undefined && /^\.\.?\//.test(r.New.Path) && required.has(r.Old.Path),
    )
    .map((r) => `-replace=${r.Old.Path}=${r.Old.Path}@${published}`);
  if (edits.length === 0) return ok(undefined);
  const edited = await runCommand(go, ['mod', 'edit', ...edits], { cwd: source, env });
  return edited.code === 0 ? ok(undefined) : err(`go mod edit: ${describeOutcome(edited)}`);
}

/** `{version}` (1.34.4), `{major}`, `{minor}`, `{patch}` of the tool's version. */
export function versionText(template: string, version: string): string {
  const [major = '', minor = '', patch = ''] = version.split('.');
  return template
    .replaceAll('{version}', version)
    .replaceAll('{major}', major)
    .replaceAll('{minor}', minor)
    .replaceAll('{patch}', patch);
}

function ldflagsOf(route: GoModuleBuildRoute, version: string): string[] {
  const assignments = [
    ...(route.versionLdflag === undefined ? [] : [route.versionLdflag]),
    ...(route.versionLdflags ?? []),
  ];
  if (assignments.length === 0) return [];
  return ['-ldflags', assignments.map((a) => `-X ${versionText(a, version)}`).join(' ')];
}
