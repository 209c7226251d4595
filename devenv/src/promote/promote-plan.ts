import { PROJECT_ROOT } from '../project-root.js';
import type { TargetContext } from './context-policy.js';
import { devCredentialsPath } from './dev-credentials.js';
import { isRecord } from './rendered-manifest.js';

export { endpointsFromManifest, imagesFromManifest, type Endpoint } from './rendered-manifest.js';

/** What the user asked for, with paths made absolute and defaults applied. */
export interface PromoteRequest {
  readonly chart: string;
  readonly valuesFiles: readonly string[];
  readonly release: string;
  readonly namespace: string;
  /** A Go duration for helm (`5m`, `90s`). */
  readonly timeout: string;
  /** Built first, as `devenv up --runtime docker` builds them (compose.yaml `image:` tags). */
  readonly appImages: readonly string[];
  /** Every image the rendered chart runs (app images, the test image, …): loaded into kind. */
  readonly images: readonly string[];
}

export interface PromoteTools {
  readonly helm: string;
  readonly kind: string;
  /** containerd's client, for a local containerd cluster (Debian `containerd` ships it). */
  readonly ctr: string;
}

/** One external command of a step: what runs, so `--dry-run` can print it and tests can read it. */
export interface CommandLine {
  readonly command: string;
  readonly args: readonly string[];
}

/** The steps after the preflight, in order. Building comes first: nothing is deployed that did not build. */
export type PromoteStep =
  | { readonly kind: 'build-images'; readonly images: readonly string[] }
  /** Only for kind clusters; an allowed other context must already see the images. */
  | { readonly kind: 'kind-load'; readonly cluster: string; readonly run: CommandLine }
  /**
   * Only for local containerd clusters: `docker save` of the images (from the Engine's API)
   * piped into `run`, so the kubelet finds the very images the docker runtime runs.
   */
  | {
      readonly kind: 'containerd-import';
      readonly address: string;
      readonly images: readonly string[];
      readonly run: CommandLine;
    }
  | { readonly kind: 'helm-upgrade'; readonly run: CommandLine }
  | { readonly kind: 'helm-test'; readonly run: CommandLine }
  | { readonly kind: 'endpoints'; readonly run: CommandLine };

/** The whole run, decided before anything changes. Pure. */
export function planPromote(
  request: PromoteRequest,
  target: TargetContext,
  tools: PromoteTools,
): PromoteStep[] {
  const context = target.context.name;
  const steps: PromoteStep[] = [{ kind: 'build-images', images: request.appImages }];
  if (target.kindCluster !== undefined)
    steps.push({
      kind: 'kind-load',
      cluster: target.kindCluster,
      run: { command: tools.kind, args: kindLoadArgs(request.images, target.kindCluster) },
    });
  if (target.containerd !== undefined)
    steps.push({
      kind: 'containerd-import',
      address: target.containerd,
      images: request.images,
      run: { command: tools.ctr, args: ctrImportArgs(target.containerd) },
    });
  steps.push(
    { kind: 'helm-upgrade', run: { command: tools.helm, args: helmUpgradeArgs(request, context) } },
    { kind: 'helm-test', run: { command: tools.helm, args: helmTestArgs(request, context) } },
    {
      kind: 'endpoints',
      run: {
        command: tools.helm,
        args: ['get', 'manifest', request.release, ...scope(request.namespace, context)],
      },
    },
  );
  return steps;
}

function scope(namespace: string, context: string): string[] {
  return ['--namespace', namespace, '--kube-context', context];
}

/**
 * The chart rendered locally (no cluster), tests included: what the upgrade would apply. For the
 * Kubernetes version versions.yaml pins (helm's own default, v1.20 in a `go install` build, is
 * older than the chart allows); the upgrade itself renders for the cluster's real version.
 */
export function helmTemplateArgs(
  request: Pick<PromoteRequest, 'release' | 'chart' | 'namespace' | 'valuesFiles'>,
  kubeVersion: string | undefined,
): string[] {
  return [
    'template',
    request.release,
    request.chart,
    '--namespace',
    request.namespace,
    ...(kubeVersion === undefined ? [] : ['--kube-version', kubeVersion]),
    ...namespaceValue(request.namespace),
    ...valuesArgs(request),
  ];
}

/**
 * The generated dev credentials first (the chart has no default ones; preflight creates the
 * file), then the user's values files, whose own credentials win.
 */
function valuesArgs(request: Pick<PromoteRequest, 'valuesFiles'>): string[] {
  return [devCredentialsPath(PROJECT_ROOT), ...request.valuesFiles].flatMap((file) => [
    '--values',
    file,
  ]);
}

/** The chart places its objects in global.namespace; promote's --namespace is the one place. */
function namespaceValue(namespace: string): string[] {
  return ['--set-string', `global.namespace=${namespace}`];
}

/** `kind load docker-image` takes every image in one call: one export from the engine, one import per node. */
export function kindLoadArgs(images: readonly string[], cluster: string): string[] {
  return ['load', 'docker-image', ...images, '--name', cluster];
}

/** The namespace containerd's CRI plugin (the kubelet's images) keeps its images in. */
export const CRI_NAMESPACE = 'k8s.io';

/**
 * Reads a `docker save` tarball on stdin. The images keep their names (`time-cop/x:dev` is
 * stored as `docker.io/time-cop/x:dev`, the name the kubelet resolves the pod's image to) and
 * their config digest, which is the Docker image ID the pods then report.
 */
export function ctrImportArgs(address: string): string[] {
  return ['--address', address, '--namespace', CRI_NAMESPACE, 'images', 'import', '-'];
}

/**
 * `--atomic` makes helm roll back (or uninstall a first install) when the release does not become
 * ready within `--timeout`; `--wait` is implied by it but spelled out for readers of the plan.
 */
export function helmUpgradeArgs(request: PromoteRequest, context: string): string[] {
  return [
    'upgrade',
    '--install',
    request.release,
    request.chart,
    ...scope(request.namespace, context),
    '--create-namespace',
    ...namespaceValue(request.namespace),
    ...valuesArgs(request),
    '--atomic',
    '--wait',
    '--timeout',
    request.timeout,
  ];
}

/** A built app image: which service it is, and its image id. */
export interface BuiltAppImage {
  readonly service: string;
  readonly id: string;
}

/** The chart's values block of each app service. */
const VALUES_KEY_OF: Readonly<Record<string, string>> = {
  'worker-typescript': 'workerTypescript',
  'worker-python': 'workerPython',
  dispatcher: 'dispatcher',
};

/**
 * The images keep their `:dev` tags, so a rebuilt image would not change the pod spec and
 * nothing would roll out: a pod annotation of each component's own image id does, and only for
 * the components whose image changed (an edit to the Python worker rolls only its pods). Pure.
 */
export function rolloutArgs(images: readonly BuiltAppImage[]): string[] {
  return images.flatMap(({ service, id }) => {
    const key = VALUES_KEY_OF[service];
    if (key === undefined) return [];
    const short = id.replace(/^sha256:/, '').slice(0, 16);
    return ['--set-string', `${key}.podAnnotations.devenv\\.dev/image=${short}`];
  });
}

/** `--logs` prints the test pods' logs, so a failed test explains itself without kubectl. */
export function helmTestArgs(request: PromoteRequest, context: string): string[] {
  return [
    'test',
    request.release,
    ...scope(request.namespace, context),
    '--timeout',
    request.timeout,
    '--logs',
  ];
}

/** After a failed `helm test`: back to the previous revision, or away entirely after a first install. */
export function helmUndoArgs(
  request: PromoteRequest,
  context: string,
  previousRevision: number | undefined,
): string[] {
  return previousRevision === undefined
    ? ['uninstall', request.release, ...scope(request.namespace, context), '--wait']
    : [
        'rollback',
        request.release,
        String(previousRevision),
        ...scope(request.namespace, context),
        '--wait',
        '--timeout',
        request.timeout,
      ];
}

/**
 * The revision to return to after the newest one failed its tests: the newest older revision
 * that was once deployed (`superseded`), from `helm history -o json`. undefined when there is
 * none (a first install, or only failed ones before), which means uninstall.
 */
export function rollbackTarget(historyJson: string): number | undefined {
  let entries: unknown;
  try {
    entries = JSON.parse(historyJson);
  } catch {
    return undefined;
  }
  if (!Array.isArray(entries)) return undefined;
  const revisions = (entries as unknown[])
    .filter(isRecord)
    .filter((e): e is { revision: number; status: unknown } => typeof e['revision'] === 'number');
  const current = Math.max(...revisions.map((e) => e.revision));
  const earlier = revisions
    .filter((e) => e.revision < current && e.status === 'superseded')
    .map((e) => e.revision);
  return earlier.length === 0 ? undefined : Math.max(...earlier);
}

/** The chart's images that devenv neither builds nor finds in the local engine. Pure. */
export function missingImages(
  chartImages: readonly string[],
  built: readonly string[],
  present: ReadonlySet<string>,
): string[] {
  return chartImages.filter((image) => !built.includes(image) && !present.has(image));
}

/** Shell-quoted, for printing a command someone may paste. */
export function formatCommand(line: CommandLine): string {
  return [line.command, ...line.args]
    .map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}
