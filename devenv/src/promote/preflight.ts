import { readFile, stat } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import Dockerode from 'dockerode';
import { presentTags } from '../images/engine.js';
import { probeDockerEngine } from '../doctor/docker-engine.js';
import { describeOutcome, runCommand } from '../process/run-command.js';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import { describeToolFailure, type ToolFailure } from '../toolchain/resolve.js';
import type { Toolchain } from '../toolchain/toolchain.js';
import { PROJECT_ROOT } from '../project-root.js';
import { checkClusterAnswers, checkContainerd } from './cluster-checks.js';
import { chooseContext, type TargetContext } from './context-policy.js';
import { ensureDevCredentials } from './dev-credentials.js';
import { kubeconfigPaths, parseKubeconfig, type KubeconfigSource } from './kubeconfig.js';
import type { PromoteFailure } from './promote-failure.js';
import { captureCommand } from './promote-effects.js';
import {
  helmTemplateArgs,
  imagesFromManifest,
  missingImages,
  type PromoteRequest,
  type PromoteTools,
} from './promote-plan.js';

export interface PreflightInput {
  readonly env: NodeJS.ProcessEnv;
  readonly context: string | undefined;
  readonly allowContext: string | undefined;
  /** --containerd: the socket of a local containerd cluster's containerd. */
  readonly containerd: string | undefined;
  readonly chart: string;
  readonly valuesFiles: readonly string[];
  readonly toolchain: Toolchain;
}

export interface PreflightPassed {
  readonly target: TargetContext;
  readonly tools: PromoteTools;
  readonly dockerEndpoint: string;
}

/**
 * Everything promote checks before it changes anything, cheapest and most likely to be wrong
 * first: the kubeconfig and the context (a typo must not cost an image build), the chart and
 * values files, helm and kind at versions.yaml's versions, the Docker Engine, that kind knows
 * the cluster, that the API server answers, and that a containerd cluster's containerd does.
 * No image is built, no cluster object touched; the one thing written is the dev credentials values file when it is missing (.devenv/k8s/credentials.yaml).
 */
export async function preflight(
  input: PreflightInput,
): Promise<Result<PreflightPassed, PromoteFailure>> {
  const sources = await readKubeconfigs(kubeconfigPaths(input.env));
  if (!sources.ok) return sources;
  const config = parseKubeconfig(sources.value);
  if (!config.ok) return config;
  const target = chooseContext(
    config.value,
    input.context,
    input.allowContext,
    input.containerd,
    localAddresses(),
  );
  if (!target.ok) return target;

  for (const [what, path] of [
    ['the Helm chart', input.chart],
    ...input.valuesFiles.map((file) => ['values file', file] as const),
  ] as const) {
    if (!(await exists(path))) return err({ reason: 'file-missing', what, path });
  }
  const credentials = await ensureDevCredentials(PROJECT_ROOT);
  if (!credentials.ok) return err({ reason: 'credentials-unwritable', detail: credentials.error });

  const [helm, kind] = await Promise.all([
    input.toolchain.ensure('helm'),
    input.toolchain.ensure('kind'),
  ]);
  if (!helm.ok) return err(toolUnavailable('helm', helm.error));
  if (!kind.ok) return err(toolUnavailable('kind', kind.error));
  const engine = await probeDockerEngine(input.env);
  if (!engine.reachable)
    return err({ reason: 'docker-unreachable', endpoint: engine.endpoint, detail: engine.why });

  const kindCluster = target.value.kindCluster;
  if (kindCluster !== undefined) {
    const known = await kindClusters(kind.value.path, input.env);
    if (!known.ok) return known;
    if (!known.value.includes(kindCluster))
      return err({ reason: 'kind-cluster-not-found', cluster: kindCluster, known: known.value });
  }
  const cluster = await checkClusterAnswers(target.value);
  if (!cluster.ok) return cluster;
  let ctr = 'ctr';
  if (target.value.containerd !== undefined) {
    const found = await checkContainerd(target.value.containerd, cluster.value?.nodes, input.env);
    if (!found.ok) return found;
    ctr = found.value;
  }
  const tools = { helm: helm.value.path, kind: kind.value.path, ctr };
  return ok({ target: target.value, tools, dockerEndpoint: engine.endpoint });
}

/** The addresses of this machine's interfaces (a host-process cluster's bridge among them). */
function localAddresses(): Set<string> {
  return new Set(
    Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address)),
  );
}

async function kindClusters(
  kind: string,
  env: NodeJS.ProcessEnv,
): Promise<Result<string[], PromoteFailure>> {
  const listed = await runCommand(kind, ['get', 'clusters'], { env, timeoutMs: 30_000 });
  if (listed.code !== 0)
    return err({
      reason: 'preflight-command-failed',
      command: `${kind} get clusters`,
      detail: describeOutcome(listed),
    });
  return ok(kindClusterList(listed.tail));
}

function toolUnavailable(tool: string, failure: ToolFailure): PromoteFailure {
  return {
    reason: 'tool-unavailable',
    tool,
    detail: describeToolFailure(failure),
    remediation: failure.remediation,
  };
}

export interface ChartCheckInput {
  readonly helm: string;
  readonly request: Pick<PromoteRequest, 'release' | 'chart' | 'namespace' | 'valuesFiles'>;
  readonly appImages: readonly string[];
  /** Whether the images must be in the local engine (kind, containerd: they are loaded from it). */
  readonly imagesLocal: boolean;
  /** versions.yaml `libraries.kubernetes`, what the chart is rendered for. */
  readonly kubeVersion: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/**
 * Renders the chart locally with the values (a bad value fails here, named by the schema) and
 * checks that every image it runs will be there: built by promote, or already in the engine
 * (the kubelet in kind never pulls them: values-kind.yaml sets pullPolicy Never). An allowed
 * non-kind cluster gets its images its own way, so the engine is not asked then.
 */
export async function checkChart(
  input: ChartCheckInput,
): Promise<Result<{ manifest: string; images: string[] }, PromoteFailure>> {
  const rendered = await captureCommand(
    input.helm,
    helmTemplateArgs(input.request, input.kubeVersion),
    input.cwd,
    input.env,
  );
  if (rendered.outcome.code !== 0)
    return err({
      reason: 'chart-render-failed',
      detail: rendered.outcome.spawnError ?? rendered.outcome.tail.trim(),
    });
  const images = imagesFromManifest(rendered.stdout);
  if (!input.imagesLocal) return ok({ manifest: rendered.stdout, images });
  let present: Set<string>;
  try {
    present = await presentTags(new Dockerode());
  } catch (thrown) {
    return err({
      reason: 'docker-unreachable',
      endpoint: 'the Docker Engine',
      detail: messageOf(thrown),
    });
  }
  const missing = missingImages(images, input.appImages, present);
  if (missing.length > 0) return err({ reason: 'images-missing', images: missing });
  return ok({ manifest: rendered.stdout, images });
}

/** `kind get clusters` prints one name a line, or "No kind clusters found." (on stderr). Pure. */
export function kindClusterList(output: string): string[] {
  return output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^[a-z0-9][a-z0-9.-]*$/.test(line));
}

/** Reads the kubeconfig files that exist; it is an error only when none does. */
async function readKubeconfigs(
  paths: readonly string[],
): Promise<Result<KubeconfigSource[], PromoteFailure>> {
  const sources: KubeconfigSource[] = [];
  for (const path of paths) {
    try {
      sources.push({ path, text: await readFile(path, 'utf8') });
    } catch (thrown) {
      // client-go skips listed files that do not exist, and so do we; anything else is a problem.
      if ((thrown as NodeJS.ErrnoException).code !== 'ENOENT')
        return err({ reason: 'kubeconfig-invalid', path, detail: messageOf(thrown) });
    }
  }
  return sources.length === 0 ? err({ reason: 'kubeconfig-not-found', paths }) : ok(sources);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
