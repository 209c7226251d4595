/**
 * What `devenv images bootstrap|build` will do, decided from versions.yaml, the environment and
 * what the Engine already has. Pure: no Docker, no files, no network (tests call it directly).
 */
import { err, ok, type Result } from '../../shared/result.js';
import type { Versions } from '../versions/versions-file.js';

/** The services of compose/compose.yaml whose images this repository builds. */
export const APP_SERVICES = ['worker-typescript', 'worker-python', 'dispatcher'] as const;
export type AppService = (typeof APP_SERVICES)[number];

/** versions.yaml `images:` keys of the local base images (tags of `devenv images bootstrap`). */
export const BASE_KEYS = {
  debian: 'base-debian',
  node: 'base-node',
  python: 'base-python',
  temporalCli: 'temporal-cli',
} as const;
export type BaseKind = keyof typeof BASE_KEYS;

export interface BaseImages {
  /** A minimal Debian rootfs from debootstrap; its tag is the Debian suite (`bookworm`). */
  readonly debian: string;
  readonly node: string;
  readonly python: string;
  readonly temporalCli: string;
  readonly suite: string;
}

/** The official images the Dockerfiles default to (versions.yaml `images.node` / `images.python`). */
export interface OfficialImages {
  readonly node: string;
  readonly python: string;
}

export function tagOf(ref: string): string {
  return ref.slice(ref.lastIndexOf(':') + 1);
}

/**
 * The local base images of versions.yaml, checked against the versions they repeat: base-node's
 * tag is `node:`, temporal-cli's is `tools.temporal`, base-python's is the official python image's
 * minor version, and base-debian's tag (the suite) is the one the official images are built on.
 */
export function baseImages(versions: Versions): Result<BaseImages, string> {
  const missing = Object.values(BASE_KEYS).filter((key) => versions.images[key] === undefined);
  if (missing.length > 0)
    return err(`versions.yaml images: has no ${missing.join(', ')} (the local base images)`);
  const ref = (kind: BaseKind) => versions.images[BASE_KEYS[kind]] ?? '';
  const official = officialImages(versions);
  if (!official.ok) return official;
  const suite = tagOf(ref('debian'));
  const problems: string[] = [];
  if (tagOf(ref('node')) !== versions.node.text)
    problems.push(`images.base-node should be tagged ${versions.node.text} (node:)`);
  if (tagOf(ref('temporalCli')) !== versions.tools.temporal.text)
    problems.push(
      `images.temporal-cli should be tagged ${versions.tools.temporal.text} (tools.temporal)`,
    );
  const pythonMinor = /^(\d+\.\d+)/.exec(tagOf(official.value.python))?.[1];
  if (tagOf(ref('python')) !== pythonMinor)
    problems.push(`images.base-python should be tagged ${pythonMinor ?? '?'} (images.python)`);
  for (const image of [official.value.node, official.value.python])
    if (!tagOf(image).includes(suite))
      problems.push(`${image} is not built on Debian ${suite} (images.base-debian)`);
  if (problems.length > 0) return err(`versions.yaml: ${problems.join('; ')}`);
  return ok({
    debian: ref('debian'),
    node: ref('node'),
    python: ref('python'),
    temporalCli: ref('temporalCli'),
    suite,
  });
}

export function officialImages(versions: Versions): Result<OfficialImages, string> {
  const node = versions.images['node'];
  const python = versions.images['python'];
  if (node === undefined || python === undefined)
    return err('versions.yaml images: needs node and python (the official base images)');
  return ok({ node, python });
}

/** One step of `devenv images bootstrap`, in the order they depend on each other. */
export interface BootstrapStep {
  readonly kind: BaseKind;
  readonly tag: string;
  /** `skip`: the Engine has the tag and --force was not given. */
  readonly action: 'build' | 'skip';
}

/**
 * Each base in dependency order (debian → node, python → temporal-cli). Rebuilding a base rebuilds
 * what is built on it, so a forced or missing debian never leaves a stale node image on top.
 */
export function planBootstrap(
  bases: BaseImages,
  present: ReadonlySet<string>,
  force: boolean,
): BootstrapStep[] {
  const order: BaseKind[] = ['debian', 'node', 'python', 'temporalCli'];
  const dependsOn: Record<BaseKind, readonly BaseKind[]> = {
    debian: [],
    node: ['debian'],
    python: ['debian'],
    temporalCli: ['debian', 'python'],
  };
  const building = new Set<BaseKind>();
  return order.map((kind) => {
    const tag = bases[kind];
    const build =
      force || !present.has(tag) || dependsOn[kind].some((dependency) => building.has(dependency));
    if (build) building.add(kind);
    return { kind, tag, action: build ? 'build' : 'skip' };
  });
}

/**
 * The npm version a Node release bundles, read from that release's CHANGELOG (shipped in the npm
 * package of the binary): the newest "upgrade npm to X" at or below the release's own heading.
 */
export function bundledNpmVersion(changelog: string, nodeVersion: string): string | undefined {
  const heading = changelog.search(new RegExp(`<a id="${nodeVersion.replace(/\./g, '\\.')}"></a>`));
  if (heading < 0) return undefined;
  return /upgrade npm to (\d+\.\d+\.\d+)/.exec(changelog.slice(heading))?.[1];
}

/**
 * The Debian mirror apt is configured with, from /etc/apt/sources.list (one-line form) and
 * sources.list.d/*.sources (deb822), for a `deb` source of `suite` with the main component.
 */
export function aptMirror(
  files: readonly { readonly path: string; readonly text: string }[],
  suite: string,
): string | undefined {
  for (const { path, text } of files) {
    if (path.endsWith('.sources')) {
      for (const stanza of text.split(/\n\s*\n/)) {
        const field = (name: string) =>
          new RegExp(`^${name}:\\s*(.+)$`, 'mi').exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
        if (
          field('Types').includes('deb') &&
          field('Suites').includes(suite) &&
          field('Components').includes('main') &&
          !/^Enabled:\s*no/im.test(stanza)
        ) {
          const uri = field('URIs')[0];
          if (uri !== undefined) return uri.replace(/\/+$/, '');
        }
      }
    } else {
      for (const line of text.split('\n')) {
        // deb [options] URI suite component...
        const m = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s+(.+)$/.exec(line);
        if (m && m[2] === suite && m[3]?.split(/\s+/).includes('main'))
          return (m[1] ?? '').replace(/\/+$/, '');
      }
    }
  }
  return undefined;
}

export type BaseChoice = 'official' | 'local';

export interface AppBuildInputs {
  /** The environment devenv runs in; values set there win, as for Compose's build args. */
  readonly env: NodeJS.ProcessEnv;
  readonly version: string;
  readonly gitSha: string;
  readonly bases: BaseChoice;
  readonly official: OfficialImages;
  readonly local: Pick<BaseImages, 'node' | 'python'>;
}

/** The build-arg names compose/compose.yaml passes through from the environment. */
export const BUILD_ARG_NAMES = ['NODE_IMAGE', 'PYTHON_IMAGE', 'VERSION', 'GIT_SHA'] as const;

/**
 * The environment the compose `build.args` (listed without values) are read from: what the user
 * exported wins, then the chosen base images and this checkout's version and commit. The docker
 * runtime (`devenv up --runtime docker`) given the same variables builds the same images.
 */
export function appBuildEnv(
  inputs: AppBuildInputs,
): Record<(typeof BUILD_ARG_NAMES)[number], string> {
  const bases = inputs.bases === 'local' ? inputs.local : inputs.official;
  const pick = (name: string, fallback: string) => {
    const value = inputs.env[name];
    return value === undefined || value === '' ? fallback : value;
  };
  return {
    NODE_IMAGE: pick('NODE_IMAGE', bases.node),
    PYTHON_IMAGE: pick('PYTHON_IMAGE', bases.python),
    VERSION: pick('VERSION', inputs.version),
    GIT_SHA: pick('GIT_SHA', inputs.gitSha),
  };
}

/**
 * Official or local bases: local when asked for (--bootstrap-bases), otherwise official when the
 * Engine has them, else local when those are present, else a failure that says what to run.
 */
export function chooseBases(
  official: OfficialImages,
  local: Pick<BaseImages, 'node' | 'python'>,
  present: ReadonlySet<string>,
  bootstrapRequested: boolean,
): Result<BaseChoice, string> {
  if (bootstrapRequested) return ok('local');
  if (present.has(official.node) && present.has(official.python)) return ok('official');
  if (present.has(local.node) && present.has(local.python)) return ok('local');
  return err(
    `neither the official base images (${official.node}, ${official.python}) nor the local ones ` +
      `(${local.node}, ${local.python}) are present, and devenv never pulls: run ` +
      '`npx devenv images bootstrap` (builds the local ones from Debian packages), or ' +
      '`npx devenv images build --bootstrap-bases`, or `docker pull` the official ones where a registry is reachable',
  );
}

/** `ARG NAME=default` lines of a Dockerfile (defaults as written, quotes removed). */
export function dockerfileArgDefaults(dockerfile: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of dockerfile.split('\n')) {
    const m = /^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)=(\S+)\s*$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) out[m[1]] = m[2].replace(/^["']|["']$/g, '');
  }
  return out;
}
