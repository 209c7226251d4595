/** Why `devenv promote` stopped. Each says what happened; `describePromoteFailure` adds what to do. */
export type PromoteFailure =
  /** No kubeconfig file exists where KUBECONFIG or ~/.kube/config point. */
  | { readonly reason: 'kubeconfig-not-found'; readonly paths: readonly string[] }
  /** A kubeconfig file exists but cannot be read as one. */
  | { readonly reason: 'kubeconfig-invalid'; readonly path: string; readonly detail: string }
  /** Neither --context nor the kubeconfig's current-context names a context. */
  | { readonly reason: 'no-context-chosen'; readonly known: readonly string[] }
  /** The chosen context is not in the kubeconfig. */
  | {
      readonly reason: 'context-not-found';
      readonly context: string;
      readonly known: readonly string[];
      readonly files: readonly string[];
    }
  /** The context names a cluster (or user) the kubeconfig does not define. */
  | { readonly reason: 'context-incomplete'; readonly context: string; readonly missing: string }
  /** Not a kind cluster on this machine, and --allow-context does not name it. */
  | {
      readonly reason: 'context-refused';
      readonly context: string;
      readonly server: string;
      readonly why: string;
    }
  /** The kind-named context points at a cluster kind does not know (deleted, or another machine's). */
  | {
      readonly reason: 'kind-cluster-not-found';
      readonly cluster: string;
      readonly known: readonly string[];
    }
  /** The API server does not answer (cluster stopped, wrong port, bad credentials). */
  | {
      readonly reason: 'cluster-unreachable';
      readonly context: string;
      readonly server: string;
      readonly detail: string;
    }
  /** A local containerd cluster's containerd cannot be reached, or a node runs another runtime. */
  | { readonly reason: 'containerd-unreachable'; readonly address: string; readonly detail: string }
  /** A file the plan needs (chart, values) is not there. */
  | { readonly reason: 'file-missing'; readonly what: string; readonly path: string }
  /** The generated dev cluster credentials (.devenv/k8s/credentials.yaml) could not be written. */
  | { readonly reason: 'credentials-unwritable'; readonly detail: string }
  /** `helm template` refused the chart with these values (a schema error names the field). */
  | { readonly reason: 'chart-render-failed'; readonly detail: string }
  /** The chart runs images that devenv does not build and the local engine does not have. */
  | { readonly reason: 'images-missing'; readonly images: readonly string[] }
  /** helm or kind could not be resolved at versions.yaml's version. */
  | {
      readonly reason: 'tool-unavailable';
      readonly tool: string;
      readonly detail: string;
      readonly remediation: string;
    }
  /** The Docker Engine does not answer. */
  | { readonly reason: 'docker-unreachable'; readonly endpoint: string; readonly detail: string }
  /** A command of the preflight itself failed (e.g. `kind get clusters`). */
  | {
      readonly reason: 'preflight-command-failed';
      readonly command: string;
      readonly detail: string;
    }
  /** An image did not build. */
  | { readonly reason: 'image-build-failed'; readonly image: string; readonly detail: string }
  /** `kind load docker-image` failed. */
  | { readonly reason: 'kind-load-failed'; readonly cluster: string; readonly detail: string }
  /** `docker save … | ctr images import` into a local containerd cluster failed. */
  | { readonly reason: 'image-import-failed'; readonly address: string; readonly detail: string }
  /** `helm upgrade --install --atomic` failed; helm rolled back. `diagnostics` explain the pods. */
  | {
      readonly reason: 'helm-upgrade-failed';
      readonly release: string;
      readonly detail: string;
      readonly diagnostics: string;
    }
  /** The release came up but `helm test` failed; `rollback` says what was undone. */
  | {
      readonly reason: 'helm-test-failed';
      readonly release: string;
      readonly detail: string;
      readonly diagnostics: string;
      readonly rollback: string;
    };

/** Configuration and usage problems exit 2 (nothing was attempted); everything else exits 1. */
export function exitCodeOf(failure: PromoteFailure): 1 | 2 {
  switch (failure.reason) {
    case 'kubeconfig-not-found':
    case 'kubeconfig-invalid':
    case 'no-context-chosen':
    case 'context-not-found':
    case 'context-incomplete':
    case 'context-refused':
    case 'cluster-unreachable':
    case 'file-missing':
    case 'chart-render-failed':
      return 2;
    default:
      return 1;
  }
}

const list = (items: readonly string[]): string => (items.length > 0 ? items.join(', ') : '(none)');

/** What happened, and what to do about it: one block for people. */
export interface FailureDescription {
  readonly what: string;
  readonly todo: string;
}

type Describers = {
  readonly [R in PromoteFailure['reason']]: (
    failure: Extract<PromoteFailure, { reason: R }>,
  ) => FailureDescription;
};

/** One entry per reason: the compiler insists a new reason gets its description. */
const DESCRIBERS: Describers = {
  'kubeconfig-not-found': (failure) => ({
    what: `no kubeconfig at ${failure.paths.join(', ')}`,
    todo: 'create a kind cluster (`kind create cluster --name time-cop`, which writes the kubeconfig) or set KUBECONFIG',
  }),
  'kubeconfig-invalid': (failure) => ({
    what: `${failure.path} is not a valid kubeconfig: ${failure.detail}`,
    todo: 'fix the file, or point KUBECONFIG at another one',
  }),
  'no-context-chosen': (failure) => ({
    what: `no --context given and the kubeconfig has no current-context; known contexts: ${list(failure.known)}`,
    todo: 'pass --context kind-<cluster>',
  }),
  'context-not-found': (failure) => ({
    what: `context "${failure.context}" is not in ${failure.files.join(', ')}; known contexts: ${list(failure.known)}`,
    todo:
      failure.context.startsWith('kind-') && failure.context.length > 'kind-'.length
        ? `create it with \`kind create cluster --name ${failure.context.slice('kind-'.length)}\`, or pass one of the known contexts`
        : 'pass one of the known contexts with --context',
  }),
  'context-incomplete': (failure) => ({
    what: `context "${failure.context}" refers to ${failure.missing}, which the kubeconfig does not define`,
    todo: 'repair the kubeconfig (kind export kubeconfig --name <cluster> rewrites a kind entry)',
  }),
  'context-refused': (failure) => ({
    what: `refusing context "${failure.context}" (${failure.server}): ${failure.why}`,
    todo: `promote targets local clusters (kind, or a containerd cluster given with --containerd SOCKET); if you really mean this cluster, pass --allow-context ${failure.context}`,
  }),
  'cluster-unreachable': (failure) => ({
    what: `the API server of context "${failure.context}" (${failure.server}) does not answer: ${failure.detail}`,
    todo: "start the cluster (kind: `docker start <cluster>-control-plane`; devenv's local cluster: its setup), or pass --context for a running one; nothing was built or deployed",
  }),
  'containerd-unreachable': (failure) => ({
    what: `the cluster's containerd at ${failure.address} cannot take the images: ${failure.detail}`,
    todo: 'pass --containerd with the socket the kubelet uses (its containerRuntimeEndpoint, without unix://); nothing was built or deployed',
  }),
  'kind-cluster-not-found': (failure) => ({
    what: `kind has no cluster "${failure.cluster}" (kind clusters here: ${list(failure.known)})`,
    todo: `create it with \`kind create cluster --name ${failure.cluster}\`, or pass --context for an existing one`,
  }),
  'file-missing': (failure) => ({
    what: `${failure.what} not found at ${failure.path}`,
    todo: 'check the path (relative paths are relative to the project root)',
  }),
  'credentials-unwritable': (failure) => ({
    what: failure.detail,
    todo: 'make .devenv/ writable for you (the chart has no default credentials: promote passes generated ones from there)',
  }),
  'chart-render-failed': (failure) => ({
    what: `helm template refused the chart with these values: ${failure.detail}`,
    todo: 'fix the values named above (values.schema.json says what each field takes)',
  }),
  'images-missing': (failure) => ({
    what: `the chart runs images the local Docker Engine does not have, and devenv does not build: ${failure.images.join(', ')}`,
    todo: 'run `npx devenv images bootstrap` (builds time-cop/temporal-cli and the base images from Debian packages); official images need `docker pull` where a registry is reachable; or leave out values-self-contained.yaml and point temporal.address at a Temporal of your own',
  }),
  'tool-unavailable': (failure) => ({
    what: `${failure.tool} is not available: ${failure.detail}`,
    todo: failure.remediation,
  }),
  'docker-unreachable': (failure) => ({
    what: `the Docker Engine at ${failure.endpoint} does not answer: ${failure.detail}`,
    todo: 'start dockerd (images are built and loaded from the local engine), or set DOCKER_HOST',
  }),
  'preflight-command-failed': (failure) => ({
    what: `\`${failure.command}\` failed: ${failure.detail}`,
    todo: 'run the command yourself to see the whole error',
  }),
  'image-build-failed': (failure) => ({
    what: `building ${failure.image} failed: ${failure.detail}`,
    todo: 'fix the build (the lines above are the Engine’s); nothing was loaded or deployed',
  }),
  'kind-load-failed': (failure) => ({
    what: `loading the images into kind cluster "${failure.cluster}" failed: ${failure.detail}`,
    todo: 'check the cluster is running (`docker ps` shows its control-plane container); nothing was deployed',
  }),
  'image-import-failed': (failure) => ({
    what: `importing the images into containerd at ${failure.address} failed: ${failure.detail}`,
    todo: "check the cluster's containerd is running (`ctr --address <socket> version`); nothing was deployed",
  }),
  'helm-upgrade-failed': (failure) => ({
    what: `helm upgrade --install ${failure.release} failed and was rolled back (--atomic): ${failure.detail}${failure.diagnostics === '' ? '' : `\n${failure.diagnostics}`}`,
    todo: 'fix what the pods above report, then run promote again',
  }),
  'helm-test-failed': (failure) => ({
    what: `helm test ${failure.release} failed: ${failure.detail}${failure.diagnostics === '' ? '' : `\n${failure.diagnostics}`}\n${failure.rollback}`,
    todo: 'fix what the test pod reports above, then run promote again',
  }),
};

export function describePromoteFailure(failure: PromoteFailure): FailureDescription {
  // TypeScript cannot correlate failure.reason with the entry's parameter type; the mapped type
  // above guarantees each entry takes exactly the failure of its reason.
  const describe = DESCRIBERS[failure.reason] as (failure: PromoteFailure) => FailureDescription;
  return describe(failure);
}
