import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProjectVersions } from '../../test/project-versions.js';
import { pythonGencodeProblem } from '../doctor/generated-code.js';
import { PROJECT_ROOT } from '../project-root.js';
import { checkProtocGenEs, PROTOBUF_ES_LIBRARY } from './proto-tools.js';

const versions = await loadProjectVersions();

describe('generator pins', () => {
  it('package.json pins protobuf-es and its generator exactly at the versions.yaml version', async () => {
    const pkg = JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const wanted = versions.libraries[PROTOBUF_ES_LIBRARY];
    expect(pkg.dependencies['@bufbuild/protobuf']).toBe(wanted);
    expect(pkg.devDependencies['@bufbuild/protoc-gen-es']).toBe(wanted);
    expect(await checkProtocGenEs(PROJECT_ROOT, versions)).toEqual({ ok: true, value: wanted });
  });

  it('refuses a protoc-gen-es that differs from versions.yaml, saying what to do', async () => {
    const other = {
      ...versions,
      libraries: { ...versions.libraries, [PROTOBUF_ES_LIBRARY]: '2.0.0' },
    };
    const result = await checkProtocGenEs(PROJECT_ROOT, other);
    expect(result.ok ? result.value : result.error).toMatchObject({
      reason: 'proto-tool-unavailable',
      tool: 'protoc-gen-es',
      detail: expect.stringContaining('wants 2.0.0'),
    });
  });

  it('the pinned protoc writes Python gencode the pinned runtime loads', () => {
    const runtime = versions.libraries['protobuf-python'];
    const protoc = versions.tools.protoc.text;
    const [major, minor] = protoc.split('.');
    expect(pythonGencodeProblem(`6.${major}.${minor}`, runtime, protoc)).toBeUndefined();
    // Gencode newer than the runtime, or of another major, does not load.
    expect(pythonGencodeProblem('6.99.0', runtime, protoc)).toContain('rejects it');
    expect(pythonGencodeProblem('5.29.5', runtime, protoc)).toContain('rejects it');
    // Loadable, but not what the pinned protoc writes: regenerate.
    expect(pythonGencodeProblem('6.30.0', runtime, protoc)).toContain('would write gencode');
  });
});
