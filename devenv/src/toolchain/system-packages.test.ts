import { describe, expect, it } from 'vitest';
import { loadProjectVersions } from '../../test/project-versions.js';
import { useTempDirs } from '../../test/temp-dir.js';
import { ensureTools, missingSystemPackages } from './ensure-tools.js';
import { systemLocator } from './locator.js';
import { canInstallSystemPackages, isSystemOnly, systemPackagesOf } from './system-packages.js';
import { createToolchain } from './toolchain.js';

const versions = await loadProjectVersions();
const makeTempDir = useTempDirs();

describe('system packages of tools', () => {
  it('names each Debian package once, however many tools it brings', () => {
    expect(systemPackagesOf(['docker', 'dockerd', 'prometheus', 'debootstrap', 'busybox'])).toEqual(
      ['docker.io', 'prometheus', 'debootstrap', 'busybox-static'],
    );
    expect(systemPackagesOf(['buf', 'temporal', 'grafana'])).toEqual([]);
  });

  it('tells tools only a system package provides from registry tools and tools with no route', () => {
    expect(isSystemOnly('dockerd')).toBe(true);
    expect(isSystemOnly('busybox')).toBe(true);
    expect(isSystemOnly('buf')).toBe(false);
    expect(isSystemOnly('grafana')).toBe(false);
  });

  it('installs system packages only as root with apt-get on PATH', async () => {
    expect(await canInstallSystemPackages({ PATH: '/nonexistent' })).toBe(false);
    const root = process.getuid?.() === 0;
    expect(await canInstallSystemPackages({ PATH: '/usr/bin:/bin' })).toBe(root);
  });
});

// The real toolchain, in a fresh project whose PATH has none of these tools.
describe('ensureTools without permission to install system packages', () => {
  it('installs nothing, says why, and names the packages to install', async () => {
    const root = await makeTempDir();
    const env = { ...process.env, PATH: root };
    const toolchain = createToolchain({
      projectRoot: root,
      versions,
      locator: systemLocator(root, env),
      allowSystem: false,
    });
    const lines: string[] = [];
    const results = await ensureTools(toolchain, ['busybox', 'prometheus'], {
      allowSystem: false,
      log: (line) => lines.push(line),
    });
    const busybox = results.get('busybox');
    expect(busybox?.ok ? busybox.value : busybox?.error).toMatchObject({
      reason: 'tool-install-failed',
      detail: expect.stringContaining('only a system package route exists'),
    });
    expect(lines).toEqual([]);
    expect(missingSystemPackages(results)).toEqual(['busybox-static', 'prometheus']);
  });
});
