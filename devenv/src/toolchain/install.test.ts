import { readdir, readlink } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadProjectVersions } from '../../test/project-versions.js';
import { useTempDirs } from '../../test/temp-dir.js';
import { parseVersionSpec } from '../versions/version-spec.js';
import type { Versions } from '../versions/versions-file.js';
import { cachedExecutable } from './cache-layout.js';
import { systemLocator } from './locator.js';
import { createToolchain } from './toolchain.js';
import { PROJECT_ROOT } from '../project-root.js';
import { runCommand } from '../process/run-command.js';

const versions = await loadProjectVersions();
const makeTempDir = useTempDirs();

/** A toolchain for a fresh project whose PATH has no buf, so the cache is the only source. */
function isolatedToolchain(root: string, withVersions: Versions, log?: (line: string) => void) {
  const locator = systemLocator(root, { ...process.env, PATH: '/usr/bin:/bin' });
  return createToolchain({
    projectRoot: root,
    versions: withVersions,
    locator,
    ...(log ? { log } : {}),
  });
}

// Real installs from the npm registry into a temporary project cache.
describe('installing into the project cache', () => {
  it('installs buf from npm, verifies it, and finds it in the cache afterwards', async () => {
    const root = await makeTempDir();
    const lines: string[] = [];
    const toolchain = isolatedToolchain(root, versions, (line) => lines.push(line));
    expect((await toolchain.find('buf')).ok).toBe(false);

    const wanted = versions.tools.buf.text;
    const exe = cachedExecutable(root, 'buf', wanted, 'buf');
    expect(await toolchain.ensure('buf')).toEqual({
      ok: true,
      value: { id: 'buf', path: exe, version: wanted, source: 'cache' },
    });
    expect(lines).toEqual([
      expect.stringContaining(`installing buf ${wanted} (npm @bufbuild/buf)`),
    ]);
    // The native binary, not the JavaScript wrapper.
    expect(await readlink(exe)).toMatch(/@bufbuild\/buf-linux-x64\/bin\/buf$/);
    // A later run finds the cached copy without installing again.
    expect((await isolatedToolchain(root, versions).find('buf')).ok).toBe(true);
  }, 120_000);

  it('installs nothing of a version versions.lock.yaml has no hashes for, saying how to refresh it', async () => {
    const root = await makeTempDir();
    const bogus = parseVersionSpec('0.0.1');
    if (!bogus.ok) throw new Error(bogus.error);
    const toolchain = isolatedToolchain(root, {
      ...versions,
      tools: { ...versions.tools, buf: bogus.value },
    });
    const ensured = await toolchain.ensure('buf');
    expect(ensured.ok ? ensured.value : ensured.error).toMatchObject({
      reason: 'tool-install-failed',
      tool: 'buf',
      wanted: '0.0.1',
      detail: expect.stringContaining(
        `npm @bufbuild/buf: versions.lock.yaml pins buf ${versions.tools.buf.text}, but versions.yaml asks for 0.0.1; refresh the lock (npx tsx devenv/src/toolchain/refresh-lock.ts)`,
      ),
    });
    expect(await readdir(`${root}/.devenv/tools/buf`).catch(() => [])).toEqual([]);
  });
});

// The global test setup installed the required tools into the real project cache (or found them).
describe('required tools of the project', () => {
  it('has the Temporal CLI from its PyPI wheel at the version of versions.yaml, and it runs', async () => {
    const toolchain = createToolchain({ projectRoot: PROJECT_ROOT, versions });
    const temporal = await toolchain.find('temporal');
    if (!temporal.ok) throw new Error(JSON.stringify(temporal.error));
    expect(temporal.value.version).toBe(versions.tools.temporal.text);
    const outcome = await runCommand(temporal.value.path, ['server', 'start-dev', '--help']);
    expect(outcome.code).toBe(0);
    expect(outcome.tail).toContain('--db-filename');
  });

  it('has the time-skipping test server from the cache, where its version is known', async () => {
    const toolchain = createToolchain({ projectRoot: PROJECT_ROOT, versions });
    const found = await toolchain.find('temporal-test-server');
    expect(found.ok && found.value).toMatchObject({
      source: 'cache',
      version: versions.tools['temporal-test-server'].text,
    });
  });
});
