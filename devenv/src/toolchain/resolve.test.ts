import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { useTempDirs, writeStandIn } from '../../test/temp-dir.js';
import { parseVersionSpec, type VersionSpec } from '../versions/version-spec.js';
import { cachedExecutable } from './cache-layout.js';
import { CATALOG } from './catalog.js';
import { systemLocator } from './locator.js';
import { findTool } from './resolve.js';

function spec(text: string): VersionSpec {
  const parsed = parseVersionSpec(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

// Stand-in `buf` executables (shell scripts printing a version) in a temporary PATH and project
// cache: real lookups and real version commands, at versions this machine does not have.
describe('tool resolution order, with stand-in executables', () => {
  let root: string;
  let pathDir: string;
  let env: NodeJS.ProcessEnv;
  const buf = CATALOG.buf;
  const makeTempDir = useTempDirs();

  beforeEach(async () => {
    root = await makeTempDir();
    pathDir = join(root, 'path-bin');
    env = { PATH: `${pathDir}:/usr/bin:/bin` };
  });

  it('prefers PATH when its copy has the wanted version', async () => {
    await writeStandIn(join(pathDir, 'buf'), '1.75.0');
    await writeStandIn(cachedExecutable(root, 'buf', '1.75.0', 'buf'), '1.75.0');
    const found = await findTool(buf, spec('1.75.0'), systemLocator(root, env));
    expect(found).toEqual({
      ok: true,
      value: { id: 'buf', path: join(pathDir, 'buf'), version: '1.75.0', source: 'path' },
    });
  });

  it('falls back to the project cache when PATH has the wrong version', async () => {
    await writeStandIn(join(pathDir, 'buf'), '1.40.0');
    const cached = await writeStandIn(cachedExecutable(root, 'buf', '1.75.0', 'buf'), '1.75.0');
    const found = await findTool(buf, spec('1.75.0'), systemLocator(root, env));
    expect(found).toEqual({
      ok: true,
      value: { id: 'buf', path: cached, version: '1.75.0', source: 'cache' },
    });
  });

  it('uses the cache when nothing is on PATH', async () => {
    const cached = await writeStandIn(cachedExecutable(root, 'buf', '1.75.0', 'buf'), '1.75.0');
    const found = await findTool(buf, spec('1.75.0'), systemLocator(root, env));
    expect(found.ok && found.value.path).toBe(cached);
  });

  it('refuses a copy at the wrong version, naming both versions', async () => {
    await writeStandIn(join(pathDir, 'buf'), '1.40.0');
    const found = await findTool(buf, spec('1.75.0'), systemLocator(root, env));
    expect(found.ok).toBe(false);
    if (found.ok) return;
    expect(found.error).toMatchObject({
      reason: 'tool-version-mismatch',
      wanted: '1.75.0',
      found: [{ path: join(pathDir, 'buf'), version: '1.40.0', source: 'path' }],
    });
  });

  it('never uses a copy that cannot say its version', async () => {
    await writeStandIn(join(pathDir, 'buf'), 'no version here');
    const found = await findTool(buf, spec('1.75.0'), systemLocator(root, env));
    expect(found.ok ? found.value : found.error).toMatchObject({
      reason: 'tool-version-mismatch',
      found: [{ version: undefined }],
    });
  });

  it('reports a tool found nowhere with its remediation', async () => {
    const found = await findTool(buf, spec('1.75.0'), systemLocator(root, env));
    expect(found.ok ? found.value : found.error).toEqual({
      reason: 'tool-not-found',
      tool: 'buf',
      wanted: '1.75.0',
      remediation: CATALOG.buf.manual,
    });
  });

  it('searches distribution directories off PATH', async () => {
    const hidden = await writeStandIn(
      join(root, 'usr-lib', 'pg', '16', 'bin', 'postgres'),
      'postgres (PostgreSQL) 16.4',
    );
    const postgres = { ...CATALOG.postgres, extraDirs: [join(root, 'usr-lib', 'pg', '*', 'bin')] };
    const found = await findTool(postgres, spec('>=15'), systemLocator(root, env));
    expect(found).toEqual({
      ok: true,
      value: { id: 'postgres', path: hidden, version: '16.4', source: 'system' },
    });
  });
});
