import { generateProtos } from '../src/proto/generate.js';
import { describeProtoFailure } from '../src/proto/proto-failure.js';
import { describeToolFailure } from '../src/toolchain/resolve.js';
import { CLUSTER_TOOL_IDS } from '../src/cluster/cluster-tools.js';
import { CATALOG } from '../src/toolchain/catalog.js';
import { ensureTools, missingSystemPackages } from '../src/toolchain/ensure-tools.js';
import { canInstallSystemPackages, isSystemOnly } from '../src/toolchain/system-packages.js';
import { createToolchain } from '../src/toolchain/toolchain.js';
import { PROJECT_ROOT } from '../src/project-root.js';
import { TOOL_IDS, type ToolId } from '../src/versions/tool-ids.js';
import { ensureComposeOracle } from './compose-oracle-build.js';
import { leaseDockerEngine } from './docker-engine.js';
import { stopTestClusterWhenUnused, testClusterKind } from './local-cluster.js';
import { loadProjectVersions } from './project-versions.js';

/**
 * The local Kubernetes cluster's tools (devenv/test/local-cluster.ts): the Go-built ones take ~10
 * min cold, once; none where the tests use kind instead (not Linux, or DEVENV_TEST_CLUSTER=kind).
 */
const CLUSTER_TOOLS: readonly ToolId[] = testClusterKind() === 'local' ? CLUSTER_TOOL_IDS : [];

/** Optional tools that test files run (k6, the Kubernetes tools), from package registries. */
const TESTED_OPTIONAL: readonly ToolId[] = [
  'k6',
  'helm',
  'kind',
  'tilt',
  'kubeconform',
  ...CLUSTER_TOOLS.filter((id) => !isSystemOnly(id)),
];
/**
 * Debian packages test files run: the Docker Engine and its CLI, Prometheus (and promtool),
 * debootstrap (the local base images), a static /bin/busybox (the docker tests' image), and the
 * local cluster's containerd, runc, conntrack and iptables.
 */
const TESTED_SYSTEM: readonly ToolId[] = [
  'docker',
  'dockerd',
  'prometheus',
  'debootstrap',
  'busybox',
  ...CLUSTER_TOOLS.filter((id) => isSystemOnly(id) && id !== 'busybox'),
];

/**
 * Before any test: the tools tests need at the versions in versions.yaml. Registry tools are
 * installed into .devenv/tools/ when missing (once; later runs find them there); system packages
 * with apt-get when we are root, as `devenv doctor --fix --system` does, else one line says what
 * to install. Tests never install anything themselves. Then protos/gen/ (incremental), which test
 * files import, so `npx vitest run` works without `npm test`'s pretest. Last, a Docker Engine
 * when none answers; the teardown stops it again, so nothing is left running after the tests.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const log = (line: string) => process.stderr.write(`test setup: ${line}\n`);
  const versions = await loadProjectVersions();
  const allowSystem = await canInstallSystemPackages();
  const toolchain = createToolchain({ projectRoot: PROJECT_ROOT, versions, allowSystem, log });
  const wanted = TOOL_IDS.filter(
    (id) =>
      CATALOG[id].need === 'required' || TESTED_OPTIONAL.includes(id) || TESTED_SYSTEM.includes(id),
  );
  // Built here once, before any test, rather than by several test files at once inside their timeouts.
  const results = await ensureTools(toolchain, wanted, { allowSystem, log });

  const failed = [...results].flatMap(([id, r]) => (r.ok ? [] : [[id, r.error] as const]));
  const problems = failed
    .filter(([id]) => !TESTED_SYSTEM.includes(id))
    .map(([id, error]) => `${id}: ${describeToolFailure(error)} → ${error.remediation}`);
  if (problems.length > 0) throw new Error(`required tools are missing:\n${problems.join('\n')}`);
  const systemFailures = failed.filter(([id]) => TESTED_SYSTEM.includes(id) && isSystemOnly(id));
  if (allowSystem) {
    for (const [id, error] of systemFailures) log(`${id}: ${describeToolFailure(error)}`);
  } else {
    const packages = missingSystemPackages(results);
    if (packages.length > 0) {
      log(
        `the Docker, Prometheus, image and Kubernetes cluster tests need Debian packages that are missing here; ` +
          `install them as root: apt-get install -y ${packages.join(' ')} ` +
          '(npm test run as root on Debian installs them itself)',
      );
    }
  }

  const generated = await generateProtos({ projectRoot: PROJECT_ROOT, versions, toolchain });
  if (!generated.ok) {
    throw new Error(
      `protos/gen/ could not be generated:\n${describeProtoFailure(generated.error)}`,
    );
  }

  // The compose-go oracle of the differential test: built once per version of its sources.
  const go = await toolchain.find('go');
  const oracle = go.ok
    ? await ensureComposeOracle(PROJECT_ROOT, go.value.path)
    : { ok: false as const, error: describeToolFailure(go.error) };
  if (!oracle.ok)
    log(`compose oracle: ${oracle.error}: the compose-go differential test will fail`);

  const dockerd = results.get('dockerd');
  const engine = await leaseDockerEngine(dockerd?.ok ? dockerd.value.path : undefined);
  if (engine.status.kind === 'unavailable') log(`${engine.status.why}: the docker tests will fail`);
  if (engine.status.kind === 'started') {
    for (const path of engine.status.staleRemoved)
      log(`removed ${path}, left by a dockerd that was killed: it named a pid now reused`);
    log(`started dockerd (pid ${engine.status.pid}) for this run`);
  }
  return async () => {
    // Test files start the cluster after the Engine is up; it stops first.
    const cluster = await stopTestClusterWhenUnused(log);
    if (cluster === 'in-use')
      log('left the test cluster running for other test runs still using it');
    else if (cluster !== undefined) {
      log('stopped the test cluster');
      for (const problem of cluster.problems) log(`cluster teardown: ${problem}`);
    }
    const released = await engine.release();
    if (released.kind === 'stopped')
      log(`stopped dockerd (pid ${released.pid}), which a test run started`);
    if (released.kind === 'shared' && engine.status.kind === 'started') {
      log(
        `left dockerd running for ${released.otherRuns} other test run(s); the last one stops it`,
      );
    }
    // A teardown that leaves the host changed fails the run.
    if (cluster !== undefined && cluster !== 'in-use' && cluster.leftovers.length > 0)
      throw new Error(
        `the test cluster's teardown left this behind:\n${cluster.leftovers.join('\n')}`,
      );
  };
}
