/**
 * `devenv images bootstrap`: the local base images, from distribution packages only, for machines
 * that reach no container registry. debootstrap → `docker import` (base-debian); on it, Node from
 * the npm registry (base-node) and Debian's Python (base-python); then the Temporal CLI image.
 */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { err, ok, type Result } from '../../shared/result.js';
import { PROJECT_ROOT } from '../project-root.js';
import { buildImage } from '../runtime/docker-build.js';
import type { Versions } from '../versions/versions-file.js';
import {
  checkMirror,
  configuredMirror,
  debootstrapRootfs,
  findDebootstrap,
  tarStream,
} from './debian-rootfs.js';
import { imageId, importRootfs, pingEngine, presentTags, removeReplaced } from './engine.js';
import {
  baseImages,
  bundledNpmVersion,
  planBootstrap,
  type BaseImages,
  type BaseKind,
  type BootstrapStep,
} from './image-plan.js';
import { fetchNpmTarball, nodePackageFor, readFromTarball } from './npm-tarball.js';

const BASES_DIR = join(PROJECT_ROOT, 'devenv', 'src', 'images', 'bases');
const DEFAULT_MIRROR = 'http://deb.debian.org/debian';

export interface BootstrapOptions {
  readonly docker: Dockerode;
  readonly projectRoot: string;
  readonly versions: Versions;
  readonly env: NodeJS.ProcessEnv;
  readonly force: boolean;
  /** A Debian mirror instead of apt's configured one. */
  readonly mirror?: string | undefined;
  /** One line per thing done. */
  readonly log: (line: string) => void;
  /** Build output (docker's stream); discarded unless the caller shows it. */
  readonly output?: (chunk: Buffer) => void;
}

export interface BootstrapReport {
  readonly steps: readonly (BootstrapStep & { readonly id: string })[];
  readonly bases: BaseImages;
}

export async function bootstrapBases(
  options: BootstrapOptions,
): Promise<Result<BootstrapReport, string>> {
  const bases = baseImages(options.versions);
  if (!bases.ok) return bases;
  const engine = await pingEngine(options.docker);
  if (!engine.ok) return engine;
  const steps = planBootstrap(bases.value, await presentTags(options.docker), options.force);
  const done: (BootstrapStep & { id: string })[] = [];
  for (const step of steps) {
    if (step.action === 'skip') {
      options.log(`${step.tag}: present, kept (--force rebuilds it)`);
      done.push({ ...step, id: (await imageId(options.docker, step.tag)) ?? '' });
      continue;
    }
    const started = Date.now();
    options.log(`${step.tag}: building…`);
    const previous = await imageId(options.docker, step.tag);
    const built = await buildBase(step.kind, bases.value, options);
    if (!built.ok) return err(`${step.tag}: ${built.error}`);
    await removeReplaced(options.docker, previous, step.tag);
    const id = (await imageId(options.docker, step.tag)) ?? '';
    options.log(
      `${step.tag}: built in ${Math.round((Date.now() - started) / 1000)} s (${id.slice(0, 19)})`,
    );
    done.push({ ...step, id });
  }
  return ok({ steps: done, bases: bases.value });
}

function buildBase(
  kind: BaseKind,
  bases: BaseImages,
  options: BootstrapOptions,
): Promise<Result<unknown, string>> {
  switch (kind) {
    case 'debian':
      return buildDebian(bases, options);
    case 'node':
      return buildNode(bases, options);
    case 'python':
      return buildFromDockerfile(
        'python.Dockerfile',
        bases.python,
        { DEBIAN_IMAGE: bases.debian },
        options,
      );
    case 'temporalCli':
      return buildFromDockerfile(
        'temporal-cli.Dockerfile',
        bases.temporalCli,
        {
          DEBIAN_IMAGE: bases.debian,
          PYTHON_IMAGE: bases.python,
          TEMPORAL_VERSION: options.versions.tools.temporal.text,
        },
        options,
      );
  }
}

async function buildDebian(
  bases: BaseImages,
  options: BootstrapOptions,
): Promise<Result<unknown, string>> {
  const debootstrap = await findDebootstrap(options.env);
  if (!debootstrap.ok) return debootstrap;
  const mirror = options.mirror ?? (await configuredMirror(bases.suite)) ?? DEFAULT_MIRROR;
  const reachable = await checkMirror(mirror, bases.suite);
  if (!reachable.ok) return reachable;
  options.log(`debootstrap ${bases.suite} (minbase) from ${mirror}`);
  const rootfs = await debootstrapRootfs({
    debootstrap: debootstrap.value,
    suite: bases.suite,
    mirror,
    log: options.log,
  });
  if (!rootfs.ok) return rootfs;
  try {
    if (rootfs.value.hostCas.length > 0)
      options.log(`trusting the host's CA certificates too: ${rootfs.value.hostCas.join(', ')}`);
    const tar = tarStream(rootfs.value.dir);
    const imported = await importRootfs(options.docker, tar.stream, bases.debian);
    const packed = await tar.done;
    if (!packed.ok) return packed;
    return imported;
  } finally {
    await rootfs.value.remove();
  }
}

async function buildNode(
  bases: BaseImages,
  options: BootstrapOptions,
): Promise<Result<unknown, string>> {
  const cache = join(options.projectRoot, '.devenv', 'images', 'cache');
  const nodeVersion = options.versions.node.text;
  const nodePackage = nodePackageFor();
  options.log(`npm registry: ${nodePackage}@${nodeVersion} (the Node release binary)`);
  const node = await fetchNpmTarball(nodePackage, nodeVersion, cache);
  if (!node.ok) return node;
  const changelog = await readFromTarball(node.value, 'package/CHANGELOG.md');
  if (!changelog.ok) return changelog;
  const npmVersion = bundledNpmVersion(changelog.value, nodeVersion);
  if (npmVersion === undefined)
    return err(`cannot tell from Node ${nodeVersion}'s CHANGELOG which npm it bundles`);
  options.log(`npm registry: npm@${npmVersion} (the npm Node ${nodeVersion} bundles)`);
  const npm = await fetchNpmTarball('npm', npmVersion, cache);
  if (!npm.ok) return npm;
  return buildFromDockerfile(
    'node.Dockerfile',
    bases.node,
    { DEBIAN_IMAGE: bases.debian, NODE_VERSION: nodeVersion, NPM_VERSION: npmVersion },
    options,
    { 'node.tgz': node.value, 'npm.tgz': npm.value },
  );
}

/** Builds one of bases/*.Dockerfile in a scratch context holding only that file (and `files`). */
async function buildFromDockerfile(
  dockerfile: string,
  tag: string,
  args: Record<string, string>,
  options: BootstrapOptions,
  files: Record<string, string> = {},
): Promise<Result<unknown, string>> {
  const context = await mkdtemp(join(tmpdir(), 'devenv-base-'));
  try {
    await mkdir(context, { recursive: true });
    await copyFile(join(BASES_DIR, dockerfile), join(context, 'Dockerfile'));
    for (const [name, source] of Object.entries(files)) await copyFile(source, join(context, name));
    return await buildImage(
      options.docker,
      { context, dockerfile: 'Dockerfile', args, target: undefined, labels: {}, noCache: false },
      tag,
      {},
      options.output ?? (() => undefined),
    );
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}
